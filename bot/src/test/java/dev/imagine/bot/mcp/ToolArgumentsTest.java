package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
    final Requester claude = Requester.direct(new User("mcp", "claude-desktop", "Claude Desktop"));

    @Test
    void imagine_readsEveryOptionAsEveryPlatformDoes() {
        Command.Imagine command = ToolArguments.imagine(Map.of("prompt", "a fox", "seed", 4294967295L, "steps", 4,
                "size", "512x768", "guidance", 7.5, "count", 2, "decoder", "fast", "prompt-syntax", "plain"), claude);

        assertThat(command).isEqualTo(new Command.Imagine(claude, "a fox", 4294967295L, 4, new ImageSize(512, 768),
                7.5f, 2, Decoder.FAST, PromptSyntax.PLAIN));
    }

    @Test
    void imagine_withoutOptions_leavesThemToTheDefaults() {
        assertThat(ToolArguments.imagine(Map.of("prompt", "a fox"), claude))
                .isEqualTo(Command.Imagine.of(claude, "a fox"));
    }

    @Test
    void imagine_refusesWhatCannotBeARequest_inWordsThatSayWhatToChange() {
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "a fox", "steps", 4.5), claude))
                .hasMessage("steps must be a whole number from 1 to 8, got '4.5'");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "a fox", "size", "big"), claude))
                .hasMessage("size must be WIDTHxHEIGHT, for example 512x768, got 'big'");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "a fox", "decoder", true), claude))
                .hasMessage("decoder must be full or fast, got 'true'");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", " "), claude))
                .hasMessageStartingWith("prompt is required");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "a fox", "negative", "blur"), claude))
                .hasMessage("'negative' is not an argument of this tool; the arguments are prompt, seed, steps, size,"
                        + " guidance, count, decoder, prompt-syntax");
    }

    @Test
    void jobId_isTheIdOfAnEarlierPicture() {
        assertThat(ToolArguments.jobId(Map.of("job_id", "abcdefghij"))).isEqualTo("abcdefghij");
        assertThatThrownBy(() -> ToolArguments.jobId(Map.of("job_id", "../etc")))
                .hasMessageContaining("job_id must be the id of an earlier picture");
        assertThatThrownBy(() -> ToolArguments.jobId(Map.of()))
                .hasMessageContaining("job_id must be the id of an earlier picture");
    }

    @Test
    void aClient_isThePersonMcpColonItsPlainName() {
        assertThat(ClientIdentity.userOf(new McpSchema.Implementation("Claude Desktop", "1.0")).key())
                .isEqualTo("mcp:claude-desktop");
        assertThat(ClientIdentity.userOf(new McpSchema.Implementation("Open WebUI / v2!", "1")).key())
                .isEqualTo("mcp:open-webui-v2");
        assertThat(ClientIdentity.userOf(new McpSchema.Implementation("", "1")).key())
                .isEqualTo("mcp:unnamed-client");
        assertThat(ClientIdentity.userOf(new McpSchema.Implementation("x".repeat(100), "1")).id())
                .hasSize(ClientIdentity.MAX_ID_LENGTH);
    }
}
