package dev.imagine.pipeline.model;

import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of the Hugging Face hub HTTP interface a model download needs, made the way
 * {@code huggingface_hub} makes them:
 *
 * <ul>
 *   <li>{@code GET {endpoint}/api/models/{repo}/revision/{revision}}: the revision's commit ({@code "sha"}), as
 *       {@code HfApi.repo_info} does; the revision is percent-encoded as one path segment.</li>
 *   <li>{@code GET {endpoint}/api/models/{repo}/tree/{commit}?recursive=true}: every file with {@code type},
 *       {@code path}, {@code size}, {@code oid} (git blob id) and {@code lfs} ({@code oid} = sha256, {@code size}),
 *       as {@code HfApi.list_repo_tree} does, following the pages of the {@code Link: <...>; rel="next"} header.</li>
 *   <li>{@code GET {endpoint}/{repo}/resolve/{commit}/{path}}: the content, as {@code hf_hub_download} does.
 *       {@code Accept-Encoding: identity}; redirects are followed by hand: a relative one or one to the hub's own
 *       origin keeps the {@code Authorization} header, one to another host (the LFS storage or CDN) drops it.
 *       The first answer's {@code X-Linked-Etag}/{@code ETag} and {@code X-Linked-Size}/{@code Content-Length}
 *       are returned so the caller can check them against the listing; {@code Range: bytes=N-} resumes.</li>
 * </ul>
 *
 * <p>{@code Authorization: Bearer <token>} is sent when a token is set, only to the hub's origin, and never logged.
 * Error answers become {@link ModelStoreException}s whose message names the repository, revision and file and says
 * what to do; the hub's {@code X-Error-Code} ({@code RepoNotFound}, {@code RevisionNotFound},
 * {@code EntryNotFound}, {@code GatedRepo}) and {@code X-Error-Message} headers sharpen them.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    static final String USER_AGENT = "imagine/0.1; java/" + Runtime.version().feature();

    private final URI endpoint;
    private final String token;
    private final int timeoutMillis;

    /**
     * @param endpoint  the hub, for example {@code https://huggingface.co} (a path prefix is kept)
     * @param token     the access token, or null
     * @param timeout   connect and read timeout of every request
     */
    public HubClient(URI endpoint, String token, Duration timeout) {
        String text = endpoint.toString();
        this.endpoint = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Objects.requireNonNull(timeout).toMillis());
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean hasToken() {
        return token != null;
    }

    /** The commit sha a branch, tag or sha of {@code repo} points at. */
    public String resolveCommit(String repo, String revision) {
        Where where = new Where(repo, revision, null);
        URI uri = api(repo, "revision/" + encodeSegment(revision));
        Revision answer = getJson(uri, where, Revision.class, "JSON");
        if (answer.sha() != null) {
            return answer.sha();
        }
        throw new ModelStoreException(Reason.HUB_ERROR, "the hub at " + endpoint + " did not return the commit of "
                + repo + "@" + revision + " (no \"sha\" in " + uri.getPath() + ")");
    }

    /** Every file of {@code repo} at {@code revision}, across all pages of the listing. */
    public List<HubFile> listFiles(String repo, String revision) {
        Where where = new Where(repo, revision, null);
        List<HubFile> files = new ArrayList<>();
        URI next = URI.create(api(repo, "tree/" + encodeSegment(revision)) + "?recursive=true");
        int pages = 0;
        while (next != null) {
            if (++pages > 10_000) {
                throw new ModelStoreException(Reason.HUB_ERROR, "the file listing of " + repo + "@" + revision
                        + " at " + endpoint + " never ends (more than 10000 pages)");
            }
            Exchange exchange = request(next, Map.of("Accept", "application/json"), where);
            try (exchange) {
                for (TreeEntry entry : parse(exchange, where, TreeEntry[].class, "a JSON array of files")) {
                    HubFile file = toFile(entry, next);
                    if (file != null) {
                        files.add(file);
                    }
                }
                String link = exchange.connection.getHeaderField("Link");
                next = nextPage(exchange.uri, link);
            }
        }
        return files;
    }

    /**
     * Starts the download of one file, from byte {@code offset} on (a {@code Range} request when positive).
     * The answer is 200 (whole file: the server ignored the range, or none was asked), 206 (the rest) or 416 (the
     * range starts past the end); any other status has been turned into an exception.
     */
    public FileResponse openFile(String repo, String revision, String path, long offset) {
        Where where = new Where(repo, revision, path);
        URI uri = URI.create(endpoint + "/" + repo + "/resolve/" + encodeSegment(revision) + "/" + encodePath(path));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept-Encoding", "identity");
        if (offset > 0) {
            headers.put("Range", "bytes=" + offset + "-");
        }
        Exchange exchange = request(uri, headers, where, 416);
        try {
            HttpURLConnection c = exchange.connection;
            long length = c.getContentLengthLong();
            long rangeStart = 0;
            if (exchange.status == 206) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(c.getHeaderField("Content-Range")));
                rangeStart = m.find() ? Long.parseLong(m.group(1)) : -1;
            }
            InputStream body = exchange.status == 416 ? InputStream.nullInputStream() : c.getInputStream();
            return new FileResponse(exchange, exchange.status, length, rangeStart, body,
                    exchange.firstEtag, exchange.firstSize, exchange.uri);
        } catch (IOException e) {
            exchange.close();
            throw unreachable(exchange.uri, where, e);
        }
    }

    /**
     * An open file download.
     *
     * @param status       200, 206 or 416
     * @param length       bytes in the body, or -1 when unknown
     * @param rangeStart   for 206: the first byte of the body (from {@code Content-Range}); -1 if unreadable
     * @param etag         {@code X-Linked-Etag}, else {@code ETag}, of the hub's first answer, without quotes and
     *                     {@code W/}; null if none
     * @param linkedSize   {@code X-Linked-Size} of the hub's first answer, else its {@code Content-Length} when it
     *                     served the file itself; -1 if none
     * @param servedBy     the URI that finally served the bytes
     */
    public record FileResponse(Closeable exchange, int status, long length, long rangeStart, InputStream body,
                               String etag, long linkedSize, URI servedBy) implements Closeable {
        @Override
        public void close() throws IOException {
            try {
                body.close();
            } finally {
                exchange.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Where(String repo, String revision, String path) {
    }

    private static final class Exchange implements Closeable {
        final HttpURLConnection connection;
        final int status;
        final URI uri;
        final String firstEtag;
        final long firstSize;

        Exchange(HttpURLConnection connection, int status, URI uri, String firstEtag, long firstSize) {
            this.connection = connection;
            this.status = status;
            this.uri = uri;
            this.firstEtag = firstEtag;
            this.firstSize = firstSize;
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    private URI api(String repo, String tail) {
        return URI.create(endpoint + "/api/models/" + repo + "/" + tail);
    }

    private <T> T getJson(URI uri, Where where, Class<T> type, String expected) {
        try (Exchange exchange = request(uri, Map.of("Accept", "application/json"), where)) {
            return parse(exchange, where, type, expected);
        }
    }

    private <T> T parse(Exchange exchange, Where where, Class<T> type, String expected) {
        byte[] body;
        try (InputStream in = exchange.connection.getInputStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw unreachable(exchange.uri, where, e);
        }
        try {
            return JsonFiles.parse(body, type, exchange.uri.toString());
        } catch (PipelineException e) {
            throw unexpected(exchange.uri, expected);
        }
    }

    private Exchange request(URI uri, Map<String, String> headers, Where where, int... alsoAccepted) {
        URI current = uri;
        String firstEtag = null;
        long firstSize = -1;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c;
            int status;
            try {
                c = (HttpURLConnection) current.toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setUseCaches(false);
                c.setConnectTimeout(timeoutMillis);
                c.setReadTimeout(timeoutMillis);
                c.setRequestProperty("User-Agent", USER_AGENT);
                headers.forEach(c::setRequestProperty);
                if (token != null && sameOrigin(current, endpoint)) {
                    c.setRequestProperty("Authorization", "Bearer " + token);
                }
                status = c.getResponseCode();
            } catch (IOException | IllegalArgumentException e) {
                throw unreachable(current, where, e);
            }
            if (hop == 0) {
                firstEtag = normalizeEtag(c.getHeaderField("X-Linked-Etag") != null
                        ? c.getHeaderField("X-Linked-Etag") : c.getHeaderField("ETag"));
                String size = c.getHeaderField("X-Linked-Size");
                firstSize = parseLong(size != null ? size : (status == 200 ? c.getHeaderField("Content-Length") : null));
            }
            String location = c.getHeaderField("Location");
            if (status >= 300 && status < 400 && status != 304 && location != null) {
                URI target = current.resolve(location.strip());
                LOG.debug("{} {} redirects to {}", status, current.getPath(), originOf(target));
                drain(c);
                current = target;
                continue;
            }
            if (status / 100 == 2) {
                return new Exchange(c, status, current, firstEtag, firstSize);
            }
            for (int ok : alsoAccepted) {
                if (status == ok) {
                    return new Exchange(c, status, current, firstEtag, firstSize);
                }
            }
            ModelStoreException error = httpError(status, c, current, where);
            drain(c);
            throw error;
        }
        throw new ModelStoreException(Reason.HUB_ERROR, "more than " + MAX_REDIRECTS + " redirects while fetching "
                + describe(where) + " from " + endpoint);
    }

    private ModelStoreException httpError(int status, HttpURLConnection c, URI uri, Where where) {
        String code = c.getHeaderField("X-Error-Code");
        String hubMessage = c.getHeaderField("X-Error-Message");
        String detail = hubMessage == null ? "" : " The hub says: " + hubMessage;
        String what = where.repo;
        boolean fromHub = sameOrigin(uri, endpoint);
        if (status == 401) {
            return new ModelStoreException(Reason.UNAUTHORIZED, "the hub at " + endpoint + " refused access to "
                    + what + " (HTTP 401" + codeSuffix(code) + "): the repository is private or gated, or does not "
                    + "exist. " + (token == null
                    ? "HF_TOKEN is not set: set it to a Hugging Face access token that can read " + what + "."
                    : "HF_TOKEN is set but the hub did not accept it: check that the token is valid and can read "
                    + what + ".") + detail);
        }
        if (status == 403) {
            return new ModelStoreException(Reason.FORBIDDEN, "access to " + what + " is forbidden (HTTP 403"
                    + codeSuffix(code) + (fromHub ? "" : " from " + originOf(uri)) + "): the repository is gated or "
                    + "private. " + (token == null
                    ? "HF_TOKEN is not set: set it to an access token of an account that has access."
                    : "HF_TOKEN is set, but its account has no access: accept the model's conditions on its hub "
                    + "page, or use a token of an account that has access.") + detail);
        }
        if (status == 404) {
            String specific;
            if ("RevisionNotFound".equalsIgnoreCase(code)) {
                specific = "the revision does not exist";
            } else if ("RepoNotFound".equalsIgnoreCase(code)) {
                specific = "the repository does not exist";
            } else if ("EntryNotFound".equalsIgnoreCase(code) || where.path != null) {
                specific = "the file does not exist at that revision";
            } else {
                specific = "the repository or revision does not exist";
            }
            return new ModelStoreException(Reason.NOT_FOUND, "not found on the hub at " + endpoint + " (HTTP 404): "
                    + "repository " + where.repo + ", revision " + where.revision
                    + (where.path == null ? "" : ", file " + where.path) + ": " + specific
                    + ". Check the repository id and revision." + detail);
        }
        String hint = status == 429 ? " The hub limits the request rate: wait a little and try again."
                : status >= 500 ? " This is a server-side problem: try again later, or set HF_ENDPOINT to a mirror."
                : "";
        return new ModelStoreException(Reason.HUB_ERROR, originOf(uri) + " answered HTTP " + status
                + codeSuffix(code) + " for " + describe(where) + "." + hint + detail);
    }

    private ModelStoreException unreachable(URI uri, Where where, Exception e) {
        String cause = switch (e) {
            case ConnectException ce -> "connection refused";
            case UnknownHostException uh -> "unknown host " + uri.getHost();
            case NoRouteToHostException nr -> "no route to host";
            case SocketTimeoutException st -> "no answer within " + timeoutMillis / 1000.0 + " s";
            default -> String.valueOf(e.getMessage());
        };
        boolean hub = sameOrigin(uri, endpoint);
        return new ModelStoreException(Reason.UNREACHABLE, "cannot reach " + (hub ? "the hub at " + endpoint
                : "the download host " + originOf(uri) + " (redirected from the hub at " + endpoint + ")")
                + " while fetching " + describe(where) + ": " + cause + ". Check the network connection, or set "
                + "HF_ENDPOINT to a reachable mirror of the hub.", e);
    }

    private ModelStoreException unexpected(URI uri, String expected) {
        return new ModelStoreException(Reason.HUB_ERROR, "unexpected answer from " + originOf(uri) + uri.getPath()
                + ": expected " + expected + ". Is HF_ENDPOINT (" + endpoint + ") a Hugging Face hub?");
    }

    private static String describe(Where where) {
        return where.repo + "@" + where.revision + (where.path == null ? "" : " file " + where.path);
    }

    private static String codeSuffix(String code) {
        return code == null ? "" : ", " + code;
    }

    private HubFile toFile(TreeEntry entry, URI page) {
        if (entry == null) {
            throw unexpected(page, "file entries");
        }
        if (!"file".equals(entry.type())) {
            return null;
        }
        String path = entry.path();
        String oid = entry.oid();
        if (path == null || entry.size() == null) {
            throw unexpected(page, "file entries with path and size");
        }
        long size = entry.size();
        String sha256 = null;
        if (entry.lfs() != null) {
            TreeEntry.Lfs lfs = entry.lfs();
            sha256 = lfs.oid() != null ? lfs.oid() : lfs.sha256();
            if (sha256 != null && sha256.startsWith("sha256:")) {
                sha256 = sha256.substring("sha256:".length());
            }
            if (lfs.size() != null) {
                size = lfs.size();
            }
        }
        if (oid == null && sha256 == null) {
            throw unexpected(page, "an oid for " + path);
        }
        return new HubFile(path, size, oid == null ? null : oid.toLowerCase(Locale.ROOT),
                sha256 == null ? null : sha256.toLowerCase(Locale.ROOT));
    }

    /** The answer of {@code /api/models/{repo}/revision/{revision}}: only its commit is used. */
    private record Revision(String sha) {
    }

    /** One entry of {@code /api/models/{repo}/tree/{revision}}: a file or a folder, with its LFS object if any. */
    private record TreeEntry(String type, String path, String oid, Long size, Lfs lfs) {
        private record Lfs(String oid, String sha256, Long size) {
        }
    }

    static URI nextPage(URI current, String link) {
        if (link == null) {
            return null;
        }
        Matcher m = LINK_NEXT.matcher(link);
        return m.find() ? current.resolve(m.group(1).strip()) : null;
    }

    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e.toLowerCase(Locale.ROOT);
    }

    private static long parseLong(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String originOf(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }

    private static void drain(HttpURLConnection c) {
        try (InputStream err = c.getErrorStream()) {
            if (err != null) {
                err.transferTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (IOException ignored) {
            // the connection is dropped below anyway
        }
        c.disconnect();
    }

    /** Percent-encodes one path segment (RFC 3986 unreserved characters stay). */
    static String encodeSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Percent-encodes a file path, keeping its {@code /}. */
    static String encodePath(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encodeSegment(parts[i]));
        }
        return out.toString();
    }
}
