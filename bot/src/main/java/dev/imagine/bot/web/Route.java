package dev.imagine.bot.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One method and path template the server answers, such as {@code GET /api/jobs/{id}}.
 *
 * @param documented whether it belongs in openapi.yaml (the page's own files do not)
 */
record Route(String method, String template, boolean documented, Handler handler) {

    interface Handler {
        void handle(Request request) throws Exception;
    }

    /** The template's {@code {name}} segments bound to the path's values, or null when the path does not match. */
    Map<String, String> match(String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                params.put(want[i].substring(1, want[i].length() - 1), got[i]);
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return params;
    }
}
