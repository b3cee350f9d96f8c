package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolVersionHeaderTest {
    final ProtocolVersionHeader header = new ProtocolVersionHeader(List.of("2025-03-26", "2025-06-18", "2025-11-25"));

    @Test
    void aVersionTheServerSpeaks_orNoHeaderAtAll_goesOn() {
        assertThat(header.refusal("2025-06-18")).isNull();
        assertThat(header.refusal(" 2025-11-25 ")).isNull();
        assertThat(header.refusal(null)).as("no header: the specification says to assume 2025-03-26").isNull();
    }

    @Test
    void anUnknownOrMalformedVersion_isRefused_namingTheVersionsItSpeaks() {
        assertThat(header.refusal("2099-01-01")).contains("'2099-01-01'")
                .contains("2025-03-26, 2025-06-18, 2025-11-25").contains("initialize");
        assertThat(header.refusal("not-a-version")).contains("'not-a-version'");
        assertThat(header.refusal("")).isNotNull();
    }

    @Test
    void onlyAnInitializeRequest_isExempt() {
        assertThat(ProtocolVersionHeader.isInitialize("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\": \"initialize\","
                + "\"params\":{}}")).isTrue();
        assertThat(ProtocolVersionHeader.isInitialize("{\"jsonrpc\":\"2.0\",\"method\":"
                + "\"notifications/initialized\"}")).isFalse();
        assertThat(ProtocolVersionHeader.isInitialize("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"imagine\",\"arguments\":{\"prompt\":\"\\\"method\\\":\\\"initialize\\\"\"}}}"))
                .as("a prompt that quotes the word").isFalse();
        assertThat(ProtocolVersionHeader.isInitialize("\"method\":\"initialize\" but not JSON")).isFalse();
    }

    @Test
    void theRefusal_isAJsonRpcErrorWithoutAnId() {
        assertThat(ProtocolVersionHeader.errorBody("Bad \"version\""))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Bad \\\"version\\\"\"}}");
    }
}
