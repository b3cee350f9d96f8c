package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP layer under hostile input, over real sockets: requests that never finish are answered or closed within
 * the idle timeout (1 s here, 30 s by default), malformed framing is a 400, the number of open connections is
 * bounded, requests for another host are refused, and every error is JSON in our words.
 */
class WebHostileInputTest {
    static final Duration IDLE = Duration.ofSeconds(1);
    /** Generous against a loaded machine, and still far below the 75 s the JDK's server held such connections. */
    static final Duration BOUND = Duration.ofSeconds(8);
    static final int MAX_CONNECTIONS = 8;

    @TempDir
    static Path data;

    private static TinyImagine imagine;
    private static int port;

    @BeforeAll
    static void start() {
        imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null)
                .withConnectionLimits(IDLE, MAX_CONNECTIONS));
        port = imagine.web.port();
    }

    @AfterAll
    static void stop() {
        imagine.close();
    }

    private static String host() {
        return "127.0.0.1:" + port;
    }

    private static void assertAnsweredOrClosedInTime(RawHttp.Answer answer, int... statuses) {
        assertThat(answer.closed() || answer.statusLine() != null)
                .as("answered or closed within %s, got %s", BOUND, answer).isTrue();
        if (answer.statusLine() != null) {
            assertThat(answer.status()).as(answer.statusLine()).isIn(toList(statuses));
            assertJsonError(answer);
        }
    }

    private static List<Integer> toList(int... values) {
        List<Integer> list = new ArrayList<>();
        for (int value : values) {
            list.add(value);
        }
        return list;
    }

    private static void assertJsonError(RawHttp.Answer answer) {
        assertThat(answer.header("Content-Type")).as(answer.head()).startsWith("application/json");
        assertThat(answer.body()).startsWith("{\"error\":\"").doesNotContain("Exception").doesNotContain("<html")
                .doesNotContain("jetty").doesNotContain("Jetty");
    }

    // ---- framing ----

    @Test
    void anUnfinishedHeader_isAnsweredOrClosed_withinTheIdleTimeout() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /api/queue HTTP/1.1\r\nHost: " + host() + "\r\nAcc",
                BOUND);

        assertAnsweredOrClosedInTime(answer, 400, 408);
    }

    @Test
    void anUnfinishedBody_withContentLength_isA408OrClosed_withinTheIdleTimeout() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/jobs HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"prompt\":", BOUND);

        assertAnsweredOrClosedInTime(answer, 400, 408);
    }

    @Test
    void aBodyDrippedAByteAtATime_isCutOff_althoughItNeverFallsSilentForTheIdleTimeout() throws Exception {
        String body = "{\"prompt\":\"" + "a slow fox ".repeat(40) + "\"}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /api/jobs HTTP/1.1\r\nHost: " + host()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            boolean cutOff = false;
            for (int i = 0; i < body.length() && System.nanoTime() - started < BOUND.toNanos(); i++) {
                try {
                    socket.getOutputStream().write(body.charAt(i));
                    socket.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    cutOff = true;
                    break;
                }
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                if (RawHttp.read(socket, answer, System.nanoTime(), Duration.ofMillis(IDLE.toMillis() / 2))
                        || answer.size() > 0) {
                    RawHttp.Answer parsed = RawHttp.parse(answer.toByteArray(), true, Duration.ZERO);
                    assertThat(parsed.statusLine() == null || parsed.status() == 408 || parsed.status() == 400)
                            .as(parsed.toString()).isTrue();
                    cutOff = true;
                    break;
                }
            }

            assertThat(cutOff).as("the dripped body was cut off within %s", BOUND).isTrue();
        }
    }

    @Test
    void aMalformedChunkSize_isA400() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/jobs HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"prompt\":\"a\"}\r\n0\r\n\r\n",
                BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertJsonError(answer);
    }

    @Test
    void aContentLengthThatIsNoNumber_isA400InJson() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/jobs HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}", BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertJsonError(answer);
    }

    @Test
    void aMalformedPercentEscape_isA400InJson_notAnHtmlPage() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /api/jobs/%zz HTTP/1.1\r\nHost: " + host()
                + "\r\nConnection: close\r\n\r\n", BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertJsonError(answer);
    }

    @Test
    void twoHostHeaders_areA400() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /api/queue HTTP/1.1\r\nHost: " + host() + "\r\nHost: "
                + host() + "\r\nConnection: close\r\n\r\n", BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertJsonError(answer);
    }

    @Test
    void anAbsoluteFormTarget_forAnotherHost_isRefused() throws Exception {
        RawHttp.Answer mismatched = RawHttp.exchange(port, "GET http://evil.example/api/queue HTTP/1.1\r\nHost: "
                + host() + "\r\nConnection: close\r\n\r\n", BOUND);
        RawHttp.Answer elsewhere = RawHttp.exchange(port, "GET http://evil.example/api/queue HTTP/1.1\r\n"
                + "Host: evil.example\r\nConnection: close\r\n\r\n", BOUND);
        RawHttp.Answer ours = RawHttp.exchange(port, "GET http://" + host() + "/api/queue HTTP/1.1\r\nHost: "
                + host() + "\r\nConnection: close\r\n\r\n", BOUND);

        assertThat(mismatched.status()).as(mismatched.toString()).isEqualTo(400);
        assertJsonError(mismatched);
        assertThat(elsewhere.status()).as(elsewhere.toString()).isIn(400, 403);
        assertThat(ours.status()).as(ours.toString()).isEqualTo(200);
    }

    @Test
    void openConnections_areBounded_andAWaitingClientIsServedOnceOthersGo() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                // A request in progress keeps each one open until the idle timeout.
                socket.getOutputStream().write("GET /api/queue HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                idle.add(socket);
            }
            try (Socket late = new Socket("127.0.0.1", port)) {
                late.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + host()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                ByteArrayOutputStream early = new ByteArrayOutputStream();
                long started = System.nanoTime();
                RawHttp.read(late, early, started, Duration.ofMillis(300));
                assertThat(early.size()).as("no answer while %d connections are open", MAX_CONNECTIONS).isZero();

                for (Socket socket : idle) {
                    socket.close();
                }
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                RawHttp.read(late, rest, System.nanoTime(), BOUND);
                assertThat(RawHttp.parse(rest.toByteArray(), true, Duration.ZERO).status()).isEqualTo(200);
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    // ---- headers and methods ----

    @Test
    void head_onAGetRoute_isAnsweredWithoutABody() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "HEAD /api/info HTTP/1.1\r\nHost: " + host()
                + "\r\nConnection: close\r\n\r\n", BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(Integer.parseInt(answer.header("Content-Length"))).isPositive();
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void aWrongMethod_isA405_withAllow_inJson() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "PUT /api/queue HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", BOUND);

        assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
        assertThat(answer.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertJsonError(answer);
    }

    @Test
    void anOriginWithTheWrongScheme_isRefused() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/jobs HTTP/1.1\r\nHost: " + host()
                + "\r\nOrigin: https://" + host() + "\r\nContent-Type: application/json\r\nContent-Length: 14\r\n"
                + "Connection: close\r\n\r\n{\"prompt\":\"a\"}", BOUND);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
        assertJsonError(answer);
    }

    // ---- strict JSON ----

    private static RawHttp.Answer post(String body) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Answer post(byte[] body) throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /api/jobs HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(body);
        return RawHttp.exchange(port, request.toByteArray(), BOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{prompt:\"a red fox\"}",
        "{'prompt':'a red fox'}",
        "{\"prompt\":\"a red fox\",\"steps\":01}",
        "{\"prompt\":\"a red fox\",\"steps\":+1}",
        "{\"prompt\":\"a red fox\" /* a comment */}",
        "// a comment\n{\"prompt\":\"a red fox\"}",
        "# a comment\n{\"prompt\":\"a red fox\"}",
        ")]}'\n{\"prompt\":\"a red fox\"}",
        "{\"prompt\":\"a red fox\"} and more",
        "{\"prompt\":\"a red fox\"}{\"prompt\":\"a second fox\"}",
        "{\"prompt\":\"a red fox\",\"prompt\":\"a blue fox\"}",
        "{\"prompt\":\"a red fox\",\"steps\":\"2\"}",
        "{\"prompt\":\"a red fox\",\"steps\":2.5}",
        "{\"prompt\":42}",
        "{\"prompt\":\"a red fox\",\"guidance\":NaN}",
        "[{\"prompt\":\"a red fox\"}]",
        "\"a red fox\"",
        ""
    })
    void lenientOrWrongJson_isA400_inOurOwnWords(String body) throws Exception {
        RawHttp.Answer answer = post(body);

        assertThat(answer.status()).as(body + " -> " + answer).isEqualTo(400);
        assertJsonError(answer);
        assertThat(answer.body()).as(body).doesNotContainIgnoringCase("JsonReader").doesNotContainIgnoringCase("strict")
                .doesNotContainIgnoringCase("gson").doesNotContainIgnoringCase("jackson")
                .doesNotContainIgnoringCase("http").doesNotContain("Source:");
    }

    @Test
    void aByteOrderMark_isRefused_saying_so() throws Exception {
        byte[] json = "{\"prompt\":\"a red fox\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(json, 0, body, 3, json.length);

        RawHttp.Answer answer = post(body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("byte order mark");
    }

    @Test
    void jsonErrors_nameTheFieldOrThePlace_andSayWhatToWrite() throws Exception {
        assertThat(post("{prompt:\"a\"}").body()).contains("line 1, column 2").contains("double quotes");
        assertThat(post("{'prompt':'a'}").body()).contains("single quotes");
        assertThat(post("{\"prompt\":\"a\",\"steps\":01}").body()).contains("starts with 0");
        assertThat(post("{\"prompt\":\"a\",\"steps\":+1}").body()).contains("starts with +");
        assertThat(post("{\"prompt\":\"a\" /* c */}").body()).contains("comments are not allowed");
        assertThat(post(")]}'\n{\"prompt\":\"a\"}").body()).contains("unexpected character ')'");
        assertThat(post("{\"prompt\":\"a\"} and more").body()).contains("more after its JSON object");
        assertThat(post("{\"prompt\":\"a\",\"prompt\":\"b\"}").body()).contains("field prompt appears twice");
        assertThat(post("{\"prompt\":\"a\",\"steps\":\"2\"}").body()).contains("steps must be a whole number from 1 to 8, got \\\"2\\\"");
        assertThat(post("{\"prompt\":\"a\",\"steps\":2.5}").body()).contains("steps must be a whole number from 1 to 8, got 2.5");
        assertThat(post("{\"prompt\":42}").body()).contains("prompt must be text, got 42");
        assertThat(post("{\"prompt\":\"a\",\"seed\":99999999999999999999999}").body()).contains("seed must be");
        assertThat(post("{\"prompt\":\"a\",\"stepz\":2}").body()).contains("unknown field stepz");
    }
}
