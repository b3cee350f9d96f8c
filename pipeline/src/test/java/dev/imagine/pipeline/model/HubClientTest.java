package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HubClientTest {

    @Test
    void encodeSegment_encodesSlashesOfARevisionLikeHuggingfaceHub() {
        assertThat(HubClient.encodeSegment("refs/pr/1")).isEqualTo("refs%2Fpr%2F1");
        assertThat(HubClient.encodePath("tokenizer/my file.json")).isEqualTo("tokenizer/my%20file.json");
    }

    @Test
    void nextPage_followsTheRelNextLink() {
        URI current = URI.create("https://huggingface.co/api/models/a/b/tree/main?recursive=true");
        String link = "<https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=abc>; rel=\"next\"";

        assertThat(HubClient.nextPage(current, link))
                .isEqualTo(URI.create("https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=abc"));
        assertThat(HubClient.nextPage(current, null)).isNull();
        assertThat(HubClient.nextPage(current, "<x>; rel=\"prev\"")).isNull();
    }

    @Test
    void normalizeEtag_dropsWeakPrefixAndQuotes() {
        assertThat(HubClient.normalizeEtag("W/\"ABC123\"")).isEqualTo("abc123");
        assertThat(HubClient.normalizeEtag("\"abc\"")).isEqualTo("abc");
        assertThat(HubClient.normalizeEtag(null)).isNull();
    }

    @Test
    void sameOrigin_distinguishesPortsAndHosts() {
        URI hub = URI.create("http://127.0.0.1:8000");
        assertThat(HubClient.sameOrigin(URI.create("http://127.0.0.1:8000/x/resolve/main/a"), hub)).isTrue();
        assertThat(HubClient.sameOrigin(URI.create("http://127.0.0.1:8001/lfs/abc"), hub)).isFalse();
        assertThat(HubClient.sameOrigin(URI.create("https://huggingface.co/x"), URI.create("https://huggingface.co:443")))
                .isTrue();
        assertThat(HubClient.sameOrigin(URI.create("https://cdn-lfs.hf.co/x"), URI.create("https://huggingface.co")))
                .isFalse();
    }

    @Test
    void gitBlobSha1_isGitsBlobId() {
        // `printf 'hello\n' | git hash-object --stdin`
        assertThat(Hashing.gitBlobSha1("hello\n".getBytes())).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
    }
}
