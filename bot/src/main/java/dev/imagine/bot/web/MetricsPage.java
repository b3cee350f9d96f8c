package dev.imagine.bot.web;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} shows, handed in by the application: the registry the server adds its own HTTP,
 * connection and executor meters to, and the text exposition of everything in it.
 *
 * @param contentType the exposition's content type, such as Prometheus' {@code text/plain; version=0.0.4}
 */
public record MetricsPage(MeterRegistry registry, String contentType, Supplier<String> scrape) {
    public MetricsPage {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(scrape, "scrape");
    }
}
