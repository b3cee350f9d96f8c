package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.job.JobIds;
import java.util.List;
import net.dv8tion.jda.api.components.buttons.Button;
import org.junit.jupiter.api.Test;

class CustomIdsTest {
    private final String jobId = new JobIds().get();

    @Test
    void theButtonsUnderAPicture_carryTheirActionAndJob_inRowsWithinDiscordsLimits_notReadyOnesDisabled() {
        List<net.dv8tion.jda.api.components.actionrow.ActionRow> rows = Messages.buttons(jobId);
        assertThat(rows).allSatisfy(row -> assertThat(row.getButtons()).hasSizeLessThanOrEqualTo(5));
        List<Button> buttons = rows.stream().flatMap(row -> row.getButtons().stream()).toList();

        assertThat(buttons).extracting(Button::getLabel).containsExactly("Same seed", "Re-roll", "Vary (subtle)",
                "Vary (strong)", "Upscale 2×", "Upscale 2× (detailed)", "Zoom out 1.5×", "Zoom out 2×", "Pan ⬅", "Pan ➡",
                "Pan ⬆", "Pan ⬇", "Delete");
        assertThat(rows).hasSize(3);
        for (Button button : buttons) {
            ActionRef pressed = CustomIds.parse(button.getCustomId()).orElseThrow();
            assertThat(button.getCustomId().length()).isLessThanOrEqualTo(CustomIds.MAX_LENGTH);
            assertThat(pressed.jobId()).isEqualTo(jobId);
            assertThat(pressed.action().label()).isEqualTo(button.getLabel());
            assertThat(button.isDisabled()).as(button.getLabel()).isEqualTo(!pressed.action().ready());
        }
        assertThat(CustomIds.parse(CustomIds.of(Action.CANCEL, jobId))).contains(new ActionRef(Action.CANCEL, jobId));
    }

    @Test
    void parse_rejectsUnknownVerbsAndAnythingThatIsNotAJobId() {
        assertThat(CustomIds.parse("boom:" + jobId)).isEmpty();
        assertThat(CustomIds.parse("same:../../etc")).isEmpty();
        assertThat(CustomIds.parse("same:" + jobId + "x")).isEmpty();
        assertThat(CustomIds.parse("same")).isEmpty();
        assertThat(CustomIds.parse(null)).isEmpty();
    }
}
