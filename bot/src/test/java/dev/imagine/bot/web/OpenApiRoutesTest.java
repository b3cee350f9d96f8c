package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** openapi.yaml describes exactly the routes the server answers: none missing, none extra. */
class OpenApiRoutesTest {
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");

    @RegisterExtension
    static final TinyImagineClass server = new TinyImagineClass();

    /** "GET /api/jobs/{id}" for every operation under {@code paths:} in the document. */
    static Set<String> documentedOperations(String yaml) {
        Set<String> operations = new TreeSet<>();
        boolean inPaths = false;
        String path = null;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inPaths = line.startsWith("paths:");
                path = null;
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher p = PATH.matcher(line);
            if (p.matches()) {
                path = p.group(1);
                continue;
            }
            Matcher m = METHOD.matcher(line);
            if (m.matches() && path != null) {
                operations.add(m.group(1).toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return operations;
    }

    static String openApiFile() throws IOException {
        try (InputStream in = OpenApiRoutesTest.class.getResourceAsStream("/web/openapi.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyServedRoute_isDocumented_andEveryDocumentedOperation_isServed() throws IOException {
        Set<String> served = new TreeSet<>();
        for (Route route : server.imagine().web.routes()) {
            if (route.documented()) {
                served.add(route.method() + " " + route.template());
            }
        }

        Set<String> documented = documentedOperations(openApiFile());

        assertThat(documented).as("operations in openapi.yaml").hasSizeGreaterThanOrEqualTo(14)
                .containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void theServerServesItsOwnOpenApiFile() throws Exception {
        Person.Answer answer = server.person().get("/api/openapi.yaml");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.response().body(), StandardCharsets.UTF_8)).isEqualTo(openApiFile());
    }

    @Test
    void everyDocumentedOperation_isAnsweredByItsOwnHandler_notByA404Or405() throws Exception {
        Person alice = server.person();
        for (String operation : documentedOperations(openApiFile())) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1)
                    .replace("{id}", "abcdefghij").replace("{n}", "0");
            var request = alice.request(path).header("Content-Type", "application/json")
                    .method(method, method.equals("POST")
                            ? java.net.http.HttpRequest.BodyPublishers.ofString("{}")
                            : java.net.http.HttpRequest.BodyPublishers.noBody()).build();
            Person.Answer answer = alice.send(request);
            // An unknown job is a 404 from the handler, with its own message; a missing route would say "nothing at".
            assertThat(answer.status()).as(operation).isNotEqualTo(405);
            if (answer.status() == 404) {
                assertThat(answer.error()).as(operation).contains("there is no job");
            }
        }
    }

    @Test
    void theParser_findsOperationsOnlyUnderPaths() {
        String yaml = """
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      summary: x
                    post:
                      summary: y
                  /b/{id}:
                    parameters: []
                    delete:
                      summary: z
                components:
                  schemas:
                    get:
                      type: object
                """;

        assertThat(documentedOperations(yaml)).containsExactly("DELETE /b/{id}", "GET /a", "POST /a");
    }
}
