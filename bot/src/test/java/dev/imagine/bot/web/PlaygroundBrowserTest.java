package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person in a real browser: Debian's headless Chromium drives the playground page against the real job service
 * drawing with the small fixture model. Types a prompt, sees the queue position and the steps, gets the picture,
 * presses Same seed and gets the identical picture; the page logs no error. A screenshot is kept in
 * {@code bot/target/browser-test/playground.png}.
 *
 * <p>Chromium comes from Debian ({@code apt-get install -y chromium chromium-driver}); Selenium is pointed at those
 * binaries, so it never downloads a browser or a driver. Without them the test fails on CI (CI=true) and is
 * skipped elsewhere.
 */
class PlaygroundBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path ARTIFACTS = Path.of("target/browser-test").toAbsolutePath();

    @TempDir
    Path data;

    @TempDir
    Path profile;

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "Debian's Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER + "); install it with:"
                + " apt-get install -y chromium chromium-driver";
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(missing + ". CI must run the browser test.");
        }
        assumeTrue(present, missing + "; skipping the browser test outside CI.");
    }

    private ChromeDriver startBrowser() throws Exception {
        return startBrowser(profile);
    }

    /** Headless Chromium with its own profile folder, its console kept for the test to read. */
    static ChromeDriver startBrowser(Path profile) throws Exception {
        Files.createDirectories(ARTIFACTS);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(ARTIFACTS.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
                "--window-size=900,1100");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        return new ChromeDriver(service, options);
    }

    @Test
    void aPersonDrawsAPicture_watchesItsPlaceAndSteps_andSameSeedGivesTheIdenticalPicture() throws Exception {
        requireChromium();
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            ChromeDriver browser = startBrowser();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));
                assertThat(browser.findElement(By.id("size")).findElements(By.tagName("option")))
                        .extracting(option -> option.getDomAttribute("value"))
                        .contains("256x256", "512x512");

                WebElement first;
                try (TinyImagine.Hold held = imagine.holdWorker()) {
                    // Someone else's picture is being drawn, so ours has to wait: the page shows where it is.
                    new Person(imagine.base()).post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
                    held.awaitHeld();

                    browser.findElement(By.cssSelector("#options summary")).click();
                    WebElement seed = browser.findElement(By.id("seed"));
                    seed.clear();
                    seed.sendKeys("1234");
                    browser.findElement(By.id("prompt")).sendKeys("a lighthouse at dusk", Keys.ENTER);

                    first = wait.until(b -> b.findElement(By.cssSelector("article.job[data-state='queued']")));
                    assertThat(first.findElement(By.className("status")).getText()).matches("queued #1 · .+");
                    assertThat(first.findElement(By.cssSelector("button[data-action='cancel']")).isDisplayed())
                            .isTrue();
                    assertThat(first.findElement(By.cssSelector("button[data-action='replay']")).isDisplayed())
                            .isFalse();
                    Files.write(ARTIFACTS.resolve("playground-queued.png"), browser.getScreenshotAs(OutputType.BYTES));
                }

                wait.until(b -> "done".equals(first.getDomAttribute("data-state"))
                        && Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                        "const img = arguments[0].querySelector('img.result-image');"
                                + " return img !== null && img.complete && img.naturalWidth === 256;", first)));
                assertThat(first.getDomAttribute("data-progress")).contains("1/2").endsWith("2/2");
                assertThat(first.getDomAttribute("data-events")).contains("started").endsWith("finished");
                assertThat(first.findElement(By.className("caption")).getText())
                        .contains("a lighthouse at dusk").contains("seed 1234").contains("2 steps")
                        .contains("256x256").contains("guidance 8").doesNotContain("from cache");
                assertThat(first.findElements(By.cssSelector(".actions button")))
                        .extracting(WebElement::getText, WebElement::isEnabled)
                        .contains(org.assertj.core.groups.Tuple.tuple("Same seed", true),
                                org.assertj.core.groups.Tuple.tuple("Re-roll", true),
                                org.assertj.core.groups.Tuple.tuple("Delete", true),
                                org.assertj.core.groups.Tuple.tuple("Vary (subtle)", true),
                                org.assertj.core.groups.Tuple.tuple("Upscale 2× (detailed)", true));

                assertThat(first.findElement(By.cssSelector("button[data-action='cancel']")).isDisplayed())
                        .as("Cancel is only for pictures still waiting or being drawn").isFalse();

                first.findElement(By.cssSelector("button[data-action='replay']")).click();
                WebElement second = wait.until(b -> {
                    List<WebElement> jobs = b.findElements(By.cssSelector("article.job[data-state='done']"));
                    return jobs.size() == 2 ? jobs.get(1) : null;
                });
                wait.until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                        "const img = arguments[0].querySelector('img.result-image');"
                                + " return img !== null && img.complete && img.naturalWidth === 256;", second)));
                assertThat(second.findElement(By.className("caption")).getText()).contains("seed 1234")
                        .contains("from cache");

                String firstSrc = first.findElement(By.cssSelector("img.result-image")).getDomProperty("src");
                String secondSrc = second.findElement(By.cssSelector("img.result-image")).getDomProperty("src");
                assertThat(secondSrc).isNotEqualTo(firstSrc);
                Person reader = new Person("");
                byte[] firstPng = reader.get(firstSrc).response().body();
                byte[] secondPng = reader.get(secondSrc).response().body();
                assertThat(firstPng).hasSizeGreaterThan(1000);
                assertThat(secondPng).isEqualTo(firstPng);

                Files.write(ARTIFACTS.resolve("playground.png"), browser.getScreenshotAs(OutputType.BYTES));

                List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::toString).toList();
                assertThat(errors).as("errors in the browser console").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void withAnApiKey_thePageAsksForItOnce_andThenDrawsWithLiveProgress() throws Exception {
        requireChromium();
        String key = "a-key-for-the-browser-test-0123";
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("0.0.0.0", 0, key))) {
            ChromeDriver browser = startBrowser();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(imagine.base() + "/");
                WebElement dialog = wait.until(b -> {
                    WebElement d = b.findElement(By.id("key-dialog"));
                    return d.getDomAttribute("open") != null ? d : null;
                });
                dialog.findElement(By.id("key")).sendKeys(key, Keys.ENTER);
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));

                browser.findElement(By.id("prompt")).sendKeys("a windmill", Keys.ENTER);

                // The event stream and the image cannot send the header: they get through with the key cookie.
                WebElement job = wait.until(b -> b.findElement(By.cssSelector("article.job[data-state='done']")));
                wait.until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                        "const img = arguments[0].querySelector('img.result-image');"
                                + " return img !== null && img.complete && img.naturalWidth === 256;", job)));
                assertThat(job.getDomAttribute("data-progress")).endsWith("2/2");
                assertThat(((JavascriptExecutor) browser).executeScript(
                        "return localStorage.getItem('imagine.apiKey')")).isEqualTo(key);
                Files.write(ARTIFACTS.resolve("playground-api-key.png"), browser.getScreenshotAs(OutputType.BYTES));
                List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::toString)
                        // The one 401 that made the page ask for the key is expected.
                        .filter(text -> !text.contains("/api/info") || !text.contains("401"))
                        .toList();
                assertThat(errors).as("errors in the browser console").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }
}
