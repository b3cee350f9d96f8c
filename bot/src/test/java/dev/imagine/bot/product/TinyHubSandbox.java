package dev.imagine.bot.product;

import dev.imagine.pipeline.model.FakeHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Each test's own fake hub serving the tiny model, and its own {@link Sandbox} (named after the test class and
 * method) with the shipped config.yaml pointed at that hub; registered as a {@code @RegisterExtension} field. After
 * the test, the Imagine processes it started here are closed, then the hub.
 */
final class TinyHubSandbox implements BeforeEachCallback, AfterEachCallback {
    private final List<ImagineProcess> started = new ArrayList<>();
    private FakeHub hub;
    private Sandbox sandbox;

    @Override
    public void beforeEach(ExtensionContext context) {
        hub = TinyHub.start();
        sandbox = Sandbox.create(context.getRequiredTestClass().getSimpleName() + "/"
                + context.getRequiredTestMethod().getName());
        sandbox.writeConfig(TinyHub.config(hub));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        try {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        } finally {
            started.clear();
            hub.close();
        }
    }

    FakeHub hub() {
        return hub;
    }

    Sandbox sandbox() {
        return sandbox;
    }

    /** The sandbox's environment for a process of Imagine: every default folder in it, the models from the hub. */
    Map<String, String> environment(Map<String, String> extra) {
        return sandbox.environment(hub.endpoint().toString(), extra);
    }

    /** Starts the built jar in the sandbox with {@link #environment} and {@code args}; closed after the test. */
    ImagineProcess start(String name, Map<String, String> extra, String... args) {
        ImagineProcess imagine = ImagineProcess.start(sandbox, name, environment(extra), args);
        started.add(imagine);
        return imagine;
    }
}
