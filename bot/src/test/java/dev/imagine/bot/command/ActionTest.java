package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ActionTest {
    private final Requester bob = Requester.direct(new User("discord", "2", "bob"));
    private static final String JOB = "abcdefghjk";

    @Test
    void eachAction_asksTheJobServiceForItsCommand_forWhoeverPressed() {
        assertThat(Action.SAME_SEED.command(bob, JOB)).isEqualTo(new Command.Replay(bob, JOB));
        assertThat(Action.REROLL.command(bob, JOB)).isEqualTo(new Command.Reroll(bob, JOB));
        assertThat(Action.VARY.command(bob, JOB)).isEqualTo(new Command.Vary(bob, JOB, Variation.SUBTLE));
        assertThat(Action.VARY_STRONG.command(bob, JOB)).isEqualTo(new Command.Vary(bob, JOB, Variation.STRONG));
        assertThat(Action.UPSCALE.command(bob, JOB)).isEqualTo(new Command.Upscale(bob, JOB, false));
        assertThat(Action.UPSCALE_DETAILED.command(bob, JOB)).isEqualTo(new Command.Upscale(bob, JOB, true));
        assertThat(Action.DELETE.command(bob, JOB)).isEqualTo(new Command.Delete(bob, JOB));
        assertThat(Action.CANCEL.command(bob, JOB)).isEqualTo(new Command.Cancel(bob, JOB));
    }

    @Test
    void everyCode_isShort_distinct_andReadsBack() {
        assertThat(Arrays.stream(Action.values()).map(Action::code).distinct()).hasSize(Action.values().length);
        for (Action action : Action.values()) {
            assertThat(action.code()).matches("[a-z]{1,4}");
            assertThat(Action.ofCode(action.code())).contains(action);
        }
        assertThat(Action.ofCode("boom")).isEmpty();
    }

    @Test
    void theCodes_areThoseButtonsAlreadyInChatsCarry() {
        // Pictures posted by earlier versions carry these in their buttons; a press must still mean the same.
        assertThat(Arrays.stream(Action.values()).map(Action::code))
                .containsExactly("same", "rr", "var", "vst", "up", "upd", "zo", "zoo", "pl", "pr", "pu", "pd", "del",
                        "cx");
        assertThat(new ActionRef(Action.SAME_SEED, JOB).encode()).isEqualTo("same:" + JOB);
    }

    @Test
    void aRef_roundTrips_withItsExtra_andRefusesForeignIds() {
        ActionRef plain = new ActionRef(Action.REROLL, JOB);
        ActionRef withExtra = new ActionRef(Action.DELETE, JOB, "1a,2b");

        assertThat(ActionRef.parse(plain.encode(), id -> id.length() == 10)).contains(plain);
        assertThat(ActionRef.parse(withExtra.encode(), id -> id.length() == 10)).contains(withExtra);
        assertThat(withExtra.encode()).isEqualTo("del:" + JOB + ":1a,2b");
        assertThat(ActionRef.parse("rr:short", id -> id.length() == 10)).isEmpty();
        assertThat(ActionRef.parse("rr", id -> true)).isEmpty();
        assertThat(ActionRef.parse(null, id -> true)).isEmpty();
    }

    @Test
    void everyAction_isReady_andOnlyThoseThatDrawMakeAPublicJob() {
        assertThat(Action.values()).allMatch(Action::ready);
        assertThat(Action.UPSCALE_DETAILED.drawsAPicture()).isTrue();
        assertThat(Action.SAME_SEED.drawsAPicture()).isTrue();
        assertThat(Action.DELETE.drawsAPicture()).isFalse();
        assertThat(Action.UNDER_A_PICTURE).containsExactly(Action.SAME_SEED, Action.REROLL, Action.VARY,
                Action.VARY_STRONG, Action.UPSCALE, Action.UPSCALE_DETAILED, Action.ZOOM_OUT_1_5, Action.ZOOM_OUT_2,
                Action.PAN_LEFT, Action.PAN_RIGHT, Action.PAN_UP, Action.PAN_DOWN, Action.DELETE);
        assertThat(Action.PANS).allMatch(Action::drawsAPicture);
    }
}
