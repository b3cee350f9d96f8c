package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelStoreSettingsTest {

    @Test
    void environment_readsEndpointTokenOfflineAndXdgCacheHome() {
        ModelStore store = ModelStore.builder().environment(Map.of("HF_ENDPOINT", "http://mirror.example:8080",
                "HF_TOKEN", "hf_x", "HF_HUB_OFFLINE", "1", "XDG_CACHE_HOME", "/var/cache/me")).build();

        assertThat(store.endpoint()).isEqualTo(URI.create("http://mirror.example:8080"));
        assertThat(store.hasToken()).isTrue();
        assertThat(store.offline()).isTrue();
        assertThat(store.cacheDir()).isEqualTo(Path.of("/var/cache/me/imagine/models"));
        assertThat(store.toString()).doesNotContain("hf_x");
    }

    @Test
    void defaults_areTheHuggingFaceHubOnlineAndTheUsersCacheFolder() {
        ModelStore store = ModelStore.builder().environment(Map.of()).build();

        assertThat(store.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(store.hasToken()).isFalse();
        assertThat(store.offline()).isFalse();
        assertThat(store.cacheDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "imagine", "models"));
    }

    @Test
    void defaultCacheFolder_withoutXdgCacheHome_isUnderHomeFromTheEnvironment_asAShellReadsTilde() {
        // The JVM's user.home comes from the password database and ignores HOME; a user who sets HOME expects ~ there.
        ModelStore store = ModelStore.builder().environment(Map.of("HOME", "/home/someone")).build();

        assertThat(store.cacheDir()).isEqualTo(Path.of("/home/someone/.cache/imagine/models"));
    }

    @Test
    void offlineFlag_acceptsTheValuesHuggingfaceHubAccepts() {
        for (String yes : new String[] {"1", "true", "ON", "yes"}) {
            assertThat(ModelStore.builder().environment(Map.of("HF_HUB_OFFLINE", yes)).build().offline()).isTrue();
        }
        assertThat(ModelStore.builder().environment(Map.of("HF_HUB_OFFLINE", "0")).build().offline()).isFalse();
    }

    @Test
    void endpoint_mustBeAnHttpUrl() {
        assertThatThrownBy(() -> ModelStore.builder().environment(Map.of("HF_ENDPOINT", "ftp://x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HF_ENDPOINT");
    }
}
