package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobPhaseTest {

    @Test
    void aMessage_onlyMovesForward_andMayUpdateWithinItsPhase() {
        assertThat(JobPhase.NEW.allows(JobPhase.WAITING)).isTrue();
        assertThat(JobPhase.WAITING.allows(JobPhase.WAITING)).isTrue();
        assertThat(JobPhase.RUNNING.allows(JobPhase.WAITING)).as("a late 'queued' after 'drawing'").isFalse();
        assertThat(JobPhase.OVER.allows(JobPhase.RUNNING)).isFalse();
        assertThat(JobPhase.OVER.allows(JobPhase.OVER)).as("the end may still be reworded").isTrue();
    }

    @Test
    void aNotice_showsInAnyPhaseButTheLast_asWaitingAtLeast() {
        assertThat(JobPhase.NEW.afterNotice()).isEqualTo(JobPhase.WAITING);
        assertThat(JobPhase.WAITING.afterNotice()).isEqualTo(JobPhase.WAITING);
        assertThat(JobPhase.RUNNING.afterNotice()).isEqualTo(JobPhase.RUNNING);
        assertThat(JobPhase.OVER.afterNotice()).isNull();
    }
}
