package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.job.AuditLog;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.ModerationSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.ScriptedClassifier;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The picture classifier's verdicts reach an assistant too: it has no spoiler to hide a picture behind, so a flagged
 * picture comes with words that say so, and a picture the policy holds back is a tool error that says why.
 */
class McpPoliciesTest {
    @TempDir
    Path data;

    private final ScriptedClassifier classifier = ScriptedClassifier.flaggingEverything();

    private UnaryOperator<JobServiceBuilder> policy(SafetyPolicy policy) {
        return builder -> builder.safety(classifier, policy)
                .moderation(new ModerationSettings(Set.of(), 0, Duration.ofMinutes(10)))
                .audit(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system()));
    }

    private CallToolResult draw(SafetyPolicy policy) throws Exception {
        try (TinyMcp imagine = TinyMcp.start(data, null, policy(policy));
             McpSyncClient client = TinyMcp.client(imagine.transport(), "careful", progress -> { })) {
            return client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a fox", "seed", 7)).build());
        }
    }

    @Test
    void aFlaggedPicture_underTheSpoilerPolicy_comesWithWordsThatSayItWasFlagged() throws Exception {
        CallToolResult result = draw(SafetyPolicy.SPOILER);

        assertThat(result.isError()).isFalse();
        assertThat(McpResults.png(result)).isNotEmpty();
        assertThat(McpResults.text(result)).contains("The picture was flagged by the picture classifier")
                .contains("only if the person wants to see it");
    }

    @Test
    void aFlaggedPicture_underTheRefusePolicy_isAToolErrorThatSaysWhy() throws Exception {
        CallToolResult result = draw(SafetyPolicy.REFUSE);

        assertThat(result.isError()).isTrue();
        assertThat(McpResults.text(result)).contains("held back").contains("Try another prompt or seed");
    }

    @Test
    void aPictureNobodyFlagged_comesWithoutAWord_aboutTheClassifier() throws Exception {
        classifier.score(0.1f);

        CallToolResult result = draw(SafetyPolicy.SPOILER);

        assertThat(result.isError()).isFalse();
        assertThat(McpResults.text(result)).doesNotContain("flagged");
    }
}
