package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
    final Requester claude = Requester.direct(new User("mcp", "claude-desktop", "Claude Desktop"));

    @Test
    void imagine_readsEveryOptionAsEveryPlatformDoes() {
        Command command = ToolArguments.imagine(Map.of("prompt", "a fox", "seed", 4294967295L, "steps", 4,
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
                        + " guidance, count, decoder, prompt-syntax, strength, image, source_job, source_image, mask");
    }

    @Test
    void imagine_withAPictureInBase64_drawsFromThatFile_withTheStrengthGiven() {
        byte[] file = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, (byte) 0xfe, (byte) 0xff};
        Command command = ToolArguments.imagine(Map.of("prompt", "a watercolour of it", "strength", 0.4,
                "image", Base64.getEncoder().encodeToString(file)), claude);

        assertThat(command).isEqualTo(new Command.Imagine(claude, "a watercolour of it", null, null, null, null, null,
                null, null, new PictureInput.Upload(file), 0.4));
    }

    @Test
    void imagine_readsAPictureSentAsADataUrl_withLineBreaks_orInTheUrlSafeAlphabet() {
        byte[] file = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 1, 2, 3};
        String base64 = Base64.getEncoder().encodeToString(file);
        String urlSafe = Base64.getUrlEncoder().encodeToString(file);

        for (String sent : new String[] {"data:image/png;base64," + base64, "DATA:image/jpeg;BASE64," + base64,
                base64.substring(0, 4) + "\r\n" + base64.substring(4), urlSafe}) {
            Command command = ToolArguments.imagine(Map.of("prompt", "it", "image", sent), claude);
            assertThat(((Command.Imagine) command).picture()).as(sent).isEqualTo(new PictureInput.Upload(file));
        }
    }

    @Test
    void imagine_fromAnEarlierJob_takesItsFirstPicture_orTheOneSourceImageNames() {
        assertThat(((Command.Imagine) ToolArguments.imagine(Map.of("prompt", "it", "source_job", "abcdefghij"),
                claude)).picture()).isEqualTo(new PictureInput.OfJob("abcdefghij", 0));
        assertThat(((Command.Imagine) ToolArguments.imagine(Map.of("prompt", "it", "source_job", "abcdefghij",
                "source_image", 3), claude)).picture()).isEqualTo(new PictureInput.OfJob("abcdefghij", 3));
    }

    @Test
    void imagine_withAMask_redrawsPartOfThePicture() {
        byte[] mask = {'m', 'a', 's', 'k'};
        Command command = ToolArguments.imagine(Map.of("prompt", "a red door", "source_job", "abcdefghij",
                "mask", Base64.getEncoder().encodeToString(mask)), claude);

        assertThat(command).isEqualTo(new Command.Inpaint(Command.Imagine.of(claude, "a red door")
                .from(new PictureInput.OfJob("abcdefghij", 0)), new PictureInput.Upload(mask)));
    }

    @Test
    void imagine_refusesPictureArgumentsThatDoNotFit_sayingWhatToSend() {
        String png = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "strength", 0.5), claude))
                .hasMessageStartingWith("strength says how much of a picture to change: give the picture too");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "mask", png), claude))
                .hasMessageStartingWith("mask says which part of a picture to redraw: give the picture too");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "image", png,
                "source_job", "abcdefghij"), claude))
                .hasMessage("give the picture to start from once: as image or as source_job, not both");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "source_image", 1), claude))
                .hasMessage("source_image picks one picture of source_job: give source_job too");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "source_job", "abcdefghij",
                "source_image", 4), claude)).hasMessageStartingWith("source_image must be the number of the picture");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "source_job", "abcdefghij",
                "source_image", 0.5), claude)).hasMessageEndingWith("got '0.5'");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "source_job", "../x"), claude))
                .hasMessageStartingWith("source_job must be the id of an earlier picture");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "image", "/home/me/photo.png"), claude))
                .hasMessageStartingWith("image is not base64").hasMessageContaining("a path or a link cannot be read");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "image", "data:image/png,%89PNG"),
                claude)).hasMessageStartingWith("image is a data URL without base64 data");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it", "image", Map.of("uri", "x")), claude))
                .hasMessage("image must be a picture file (PNG, JPEG or WebP) in base64, got an object");
        assertThatThrownBy(() -> ToolArguments.imagine(Map.of("prompt", "it",
                "image", "A".repeat(ToolArguments.MAX_PICTURE_BASE64 + 1_000_000)), claude))
                .hasMessageStartingWith("image is larger than 20 MB");
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
