package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundTapTest {
    final ObjectMapper json = new ObjectMapper();
    final Cancellations cancellations = new Cancellations();
    final InboundTap tap = new InboundTap(json, cancellations);

    @Test
    void aToolCall_isStampedWithItsSessionAndId_overwritingWhatTheClientPutThere() throws Exception {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"imagine\","
                + "\"arguments\":{\"prompt\":\"a fox\"},\"_meta\":{\"progressToken\":\"p\","
                + "\"dev.imagine/call\":\"other-session 1\"}}}";

        JsonNode passed = json.readTree(tap.inbound("session-a", call));

        assertThat(passed.at("/params/_meta/dev.imagine~1call").asText()).isEqualTo("session-a 7");
        assertThat(passed.at("/params/_meta/progressToken").asText()).isEqualTo("p");
        assertThat(passed.at("/params/arguments/prompt").asText()).isEqualTo("a fox");
    }

    @Test
    void aCancel_cancelsTheCallOfItsOwnSessionById_andIsKeptFromTheSdk() {
        List<String> cancelled = new ArrayList<>();
        cancellations.register("session-a 7", () -> cancelled.add("a7"));
        cancellations.register("session-a \"7\"", () -> cancelled.add("a\"7\""));
        cancellations.register("session-b 7", () -> cancelled.add("b7"));

        String passed = tap.inbound("session-a", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":7,\"reason\":\"changed my mind\"}}");

        assertThat(passed).isNull();
        assertThat(cancelled).containsExactly("a7");
    }

    @Test
    void aCancelThatArrivesBeforeItsCallRegistered_cancelsItWhenItDoes() {
        tap.inbound("stdio", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3}}");
        List<String> cancelled = new ArrayList<>();

        cancellations.register("stdio 3", () -> cancelled.add("3"));

        assertThat(cancelled).containsExactly("3");
    }

    @Test
    void otherMessages_andWhatIsNotJson_passUnchanged_andNothingIsStampedBeforeASessionExists() {
        String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
        String broken = "{\"method\":\"tools/call\", oops";
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}";

        assertThat(tap.inbound("s", list)).isSameAs(list);
        assertThat(tap.inbound("s", broken)).isSameAs(broken);
        assertThat(tap.inbound(null, initialize)).isSameAs(initialize);
    }
}
