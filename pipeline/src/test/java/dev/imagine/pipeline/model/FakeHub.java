package dev.imagine.pipeline.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub on 127.0.0.1 for tests, speaking the endpoints the model store uses:
 * {@code /api/models/{repo}/revision/{rev}} ({@code sha}), {@code /api/models/{repo}/tree/{rev}?recursive=true}
 * (paginated with a {@code Link} header), and {@code /{repo}/resolve/{rev}/{path}}, which serves git files itself
 * ({@code ETag} = blob id) and redirects LFS files with a 302 to a second server on another port, the "storage"
 * ({@code X-Linked-Etag} = sha256, {@code X-Linked-Size}). Both serve {@code Range} requests with 206. Faults can
 * be injected: a connection cut after N bytes, corrupted bytes, a required token, missing repositories or files,
 * and a gate that holds a file's download until the test releases it. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {
    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/(revision|tree)/([^/?]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern LFS = Pattern.compile("/lfs/([0-9a-f]{64})");

    /** One request as the fake saw it. Header names are lower case. */
    public record Request(String server, String method, String path, String query, Map<String, String> headers,
                          int status, long bodyBytes) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A file of a fake repository. */
    public record FakeFile(String path, byte[] content, boolean lfs) {
        public String sha256() {
            return Hashing.sha256Hex(content);
        }

        public String gitOid() {
            return lfs ? Hashing.gitBlobSha1(pointer()) : Hashing.gitBlobSha1(content);
        }

        byte[] pointer() {
            return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256() + "\nsize "
                    + content.length + "\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A repository with one commit, reachable by its sha and by branch names. */
    public final class Repo {
        private final String id;
        private final Map<String, FakeFile> files = new LinkedHashMap<>();
        private final List<String> branches = new CopyOnWriteArrayList<>(List.of("main"));
        private volatile String pinnedCommit;

        Repo(String id) {
            this.id = id;
        }

        public Repo file(String path, byte[] content, boolean lfs) {
            files.put(path, new FakeFile(path, content, lfs));
            return this;
        }

        public Repo branch(String name) {
            branches.add(name);
            return this;
        }

        public String id() {
            return id;
        }

        /**
         * Serves this repository's files as the given commit, as the real hub serves a pinned revision (a test can
         * then stand in for a repository at the commit Imagine pins, such as its default model's).
         */
        public Repo atCommit(String sha) {
            if (!sha.matches("[0-9a-f]{40}")) {
                throw new IllegalArgumentException("a commit is 40 lower-case hex digits, got " + sha);
            }
            this.pinnedCommit = sha;
            return this;
        }

        /** The commit sha: the one set by {@link #atCommit}, else derived from the content (changes with a file). */
        public String commit() {
            if (pinnedCommit != null) {
                return pinnedCommit;
            }
            StringBuilder all = new StringBuilder(id);
            files.values().forEach(f -> all.append('\n').append(f.path()).append(' ').append(f.sha256()));
            return Hashing.gitBlobSha1(all.toString().getBytes(StandardCharsets.UTF_8));
        }

        public FakeFile get(String path) {
            return files.get(path);
        }

        public List<FakeFile> files() {
            return List.copyOf(files.values());
        }

        boolean knows(String revision) {
            return branches.contains(revision) || commit().equals(revision);
        }
    }

    /** Holds the downloads of one file until {@link #release()}; {@link #arrived} opens when one is waiting. */
    public static final class Gate {
        public final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        public void release() {
            released.countDown();
        }
    }

    private final HttpServer hub;
    private final HttpServer storage;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> cuts = new ConcurrentHashMap<>();
    private final Map<String, Long> cutAt = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> corruptions = new ConcurrentHashMap<>();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final List<String> missingFiles = new CopyOnWriteArrayList<>();
    private volatile int pageSize = 1000;
    private volatile String requiredToken;
    private volatile boolean ignoreRange;

    private FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        storage = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::handleHub);
        storage.createContext("/", this::handleStorage);
        hub.setExecutor(executor);
        storage.setExecutor(executor);
        hub.start();
        storage.start();
    }

    public static FakeHub start() throws IOException {
        return new FakeHub();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    public URI storageEndpoint() {
        return URI.create("http://127.0.0.1:" + storage.getAddress().getPort());
    }

    public Repo repo(String id) {
        return repos.computeIfAbsent(id, Repo::new);
    }

    public FakeHub pageSize(int entries) {
        this.pageSize = entries;
        return this;
    }

    /** 401 without a token, 403 with another one. */
    public FakeHub requireToken(String token) {
        this.requiredToken = token;
        return this;
    }

    /** The next {@code times} downloads of {@code path} drop the connection after {@code bytes} body bytes. */
    public FakeHub cutAfter(String path, long bytes, int times) {
        cutAt.put(path, bytes);
        cuts.put(path, new AtomicInteger(times));
        return this;
    }

    /** The next {@code times} downloads of {@code path} serve one flipped byte. */
    public FakeHub corrupt(String path, int times) {
        corruptions.put(path, new AtomicInteger(times));
        return this;
    }

    /** resolve answers 404 for this file (the listing still shows it). */
    public FakeHub missing(String path) {
        missingFiles.add(path);
        return this;
    }

    /** Answer 200 with the whole file to Range requests, as a server without range support does. */
    public FakeHub ignoreRange(boolean value) {
        this.ignoreRange = value;
        return this;
    }

    public Gate gate(String path) {
        return gates.computeIfAbsent(path, p -> new Gate());
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The content downloads (200 or 206) of one file, on either server. */
    public List<Request> downloadsOf(String path) {
        return requests.stream().filter(r -> r.path().equals("content:" + path)).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        gates.values().forEach(Gate::release);
        hub.stop(0);
        storage.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------------

    private void handleHub(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Matcher api = API.matcher(path);
        Matcher resolve = RESOLVE.matcher(path);
        if (api.matches()) {
            Repo repo = repos.get(api.group(1));
            String revision = decode(api.group(3));
            if (!authorized(ex, "hub", path) || !found(ex, path, repo, revision, null)) {
                return;
            }
            if (api.group(2).equals("revision")) {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("id", repo.id);
                info.put("sha", repo.commit());
                info.put("siblings", repo.files().stream().map(f -> Map.of("rfilename", f.path())).toList());
                json(ex, path, JsonFiles.writeCompact(info), null);
            } else {
                tree(ex, path, repo, revision);
            }
        } else if (resolve.matches()) {
            Repo repo = repos.get(resolve.group(1));
            String revision = decode(resolve.group(2));
            String file = decode(resolve.group(3));
            if (!authorized(ex, "hub", path) || !found(ex, path, repo, revision, file)) {
                return;
            }
            FakeFile f = repo.get(file);
            ex.getResponseHeaders().set("X-Repo-Commit", repo.commit());
            if (f.lfs()) {
                ex.getResponseHeaders().set("ETag", "\"" + f.gitOid() + "\"");
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + f.sha256() + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", String.valueOf(f.content().length));
                ex.getResponseHeaders().set("Location", storageEndpoint() + "/lfs/" + f.sha256());
                record(ex, "hub", path, 302, 0);
                ex.sendResponseHeaders(302, -1);
                ex.close();
            } else {
                ex.getResponseHeaders().set("ETag", "\"" + f.gitOid() + "\"");
                serve(ex, "hub", f);
            }
        } else {
            record(ex, "hub", path, 404, 0);
            ex.sendResponseHeaders(404, -1);
            ex.close();
        }
    }

    private void handleStorage(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Matcher lfs = LFS.matcher(path);
        Optional<FakeFile> file = lfs.matches() ? repos.values().stream().flatMap(r -> r.files().stream())
                .filter(f -> f.lfs() && f.sha256().equals(lfs.group(1))).findFirst() : Optional.empty();
        if (file.isEmpty()) {
            record(ex, "storage", path, 404, 0);
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().set("ETag", "\"" + file.get().sha256() + "\"");
        serve(ex, "storage", file.get());
    }

    private void tree(HttpExchange ex, String path, Repo repo, String revision) throws IOException {
        String query = String.valueOf(ex.getRequestURI().getRawQuery());
        Matcher cursor = Pattern.compile("cursor=(\\d+)").matcher(query);
        int from = cursor.find() ? Integer.parseInt(cursor.group(1)) : 0;
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (FakeFile f : repo.files()) {
            int slash = f.path().lastIndexOf('/');
            if (slash > 0 && !dirs.contains(f.path().substring(0, slash))) {
                dirs.add(f.path().substring(0, slash));
                entries.add(Map.of("type", "directory", "oid", "0".repeat(40), "size", 0,
                        "path", f.path().substring(0, slash)));
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "file");
            e.put("oid", f.gitOid());
            e.put("size", f.lfs() ? f.pointer().length : f.content().length);
            e.put("path", f.path());
            if (f.lfs()) {
                e.put("lfs", Map.of("oid", f.sha256(), "size", f.content().length, "pointerSize",
                        f.pointer().length));
            }
            entries.add(e);
        }
        int to = Math.min(entries.size(), from + pageSize);
        String link = to < entries.size() ? "<" + endpoint() + path + "?recursive=true&cursor=" + to
                + ">; rel=\"next\"" : null;
        json(ex, path, JsonFiles.writeCompact(entries.subList(from, to)), link);
    }

    private boolean authorized(HttpExchange ex, String server, String path) throws IOException {
        String required = requiredToken;
        if (required == null) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            ex.getResponseHeaders().set("X-Error-Message", "Access to this model is restricted.");
            fail(ex, server, path, 401);
            return false;
        }
        if (!auth.equals("Bearer " + required)) {
            fail(ex, server, path, 403);
            return false;
        }
        return true;
    }

    private boolean found(HttpExchange ex, String path, Repo repo, String revision, String file) throws IOException {
        String code = null;
        if (repo == null) {
            code = "RepoNotFound";
        } else if (!repo.knows(revision)) {
            code = "RevisionNotFound";
        } else if (file != null && (repo.get(file) == null || missingFiles.contains(file))) {
            code = "EntryNotFound";
        }
        if (code == null) {
            return true;
        }
        ex.getResponseHeaders().set("X-Error-Code", code);
        fail(ex, "hub", path, 404);
        return false;
    }

    private void fail(HttpExchange ex, String server, String path, int status) throws IOException {
        byte[] body = ("{\"error\":\"HTTP " + status + "\"}").getBytes(StandardCharsets.UTF_8);
        record(ex, server, path, status, 0);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void json(HttpExchange ex, String path, String json, String link) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (link != null) {
            ex.getResponseHeaders().set("Link", link);
        }
        record(ex, "hub", path, 200, body.length);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void serve(HttpExchange ex, String server, FakeFile file) throws IOException {
        Gate gate = gates.get(file.path());
        if (gate != null) {
            gate.arrived.countDown();
            try {
                if (!gate.released.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("gate of " + file.path() + " never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        byte[] content = file.content().clone();
        AtomicInteger corrupt = corruptions.get(file.path());
        if (corrupt != null && corrupt.getAndDecrement() > 0) {
            content[content.length / 2] ^= 0x5A;
        }
        int size = content.length;
        int start = 0;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : Pattern.compile("bytes=(\\d+)-").matcher(range);
        if (m != null && m.matches() && !ignoreRange) {
            start = Integer.parseInt(m.group(1));
            if (start >= size) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                record(ex, server, "content:" + file.path(), 416, 0);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (size - 1) + "/" + size);
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        int length = size - start;
        AtomicInteger cut = cuts.get(file.path());
        boolean cutNow = cut != null && cut.getAndDecrement() > 0 && cutAt.get(file.path()) < length;
        int sent = cutNow ? (int) (long) cutAt.get(file.path()) : length;
        record(ex, server, "content:" + file.path(), status, sent);
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        out.write(content, start, sent);
        out.flush();
        if (cutNow) {
            // An exception out of the handler makes the JDK server drop the connection mid-body.
            throw new IOException("fake hub: connection cut after byte " + (start + sent) + " of " + file.path());
        }
        out.close();
    }

    private void record(HttpExchange ex, String server, String path, int status, long bytes) {
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        requests.add(new Request(server, ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), headers,
                status, bytes));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
