package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.bot.testing.LongPrompts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in Debian's headless Chromium (as {@link PlaygroundBrowserTest}): the page explains weights, BREAK,
 * long prompts and plain; a weighted long prompt is drawn and its caption says it was read in chunks; with Prompt
 * syntax set to plain in the options, the same prompt is cut and the caption says what was dropped.
 */
class PlaygroundPromptSyntaxBrowserTest {
    @TempDir
    Path data;

    @TempDir
    Path profile;

    private ChromeDriver startBrowser() throws Exception {
        boolean present = Files.isExecutable(PlaygroundBrowserTest.CHROMIUM)
                && Files.isExecutable(PlaygroundBrowserTest.CHROMEDRIVER);
        String missing = "Debian's Chromium is not installed; install it with: apt-get install -y chromium"
                + " chromium-driver";
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(missing + ". CI must run the browser test.");
        }
        assumeTrue(present, missing + "; skipping the browser test outside CI.");
        Files.createDirectories(PlaygroundBrowserTest.ARTIFACTS);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(PlaygroundBrowserTest.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(PlaygroundBrowserTest.ARTIFACTS.resolve("chromedriver-prompt-syntax.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(PlaygroundBrowserTest.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
                "--window-size=900,1100");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        return new ChromeDriver(service, options);
    }

    private static WebElement drawn(ChromeDriver browser, WebDriverWait wait, int nth) {
        WebElement job = wait.until(b -> {
            List<WebElement> done = b.findElements(By.cssSelector("article.job[data-state='done']"));
            return done.size() >= nth ? done.get(nth - 1) : null;
        });
        wait.until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                "const img = arguments[0].querySelector('img.result-image');"
                        + " return img !== null && img.complete && img.naturalWidth === 256;", job)));
        return job;
    }

    private static void draw(ChromeDriver browser, String prompt) {
        WebElement box = browser.findElement(By.id("prompt"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", box, prompt);
        browser.findElement(By.id("draw")).click();
    }

    @Test
    void theOptionsOfferPlain_andTheCaptionSaysHowTheModelReadAWeightedLongPrompt() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            ChromeDriver browser = startBrowser();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));
                assertThat(browser.findElement(By.id("prompt-help")).getText())
                        .contains("(word:1.2)", "[word]", "BREAK", "long prompt", "plain");
                browser.findElement(By.cssSelector("#options summary")).click();
                assertThat(browser.findElement(By.id("precision-choice")).isDisplayed())
                        .as("one UNet loaded: no precision choice").isFalse();
                Select syntax = new Select(browser.findElement(By.id("prompt-syntax")));
                assertThat(syntax.getOptions()).extracting(o -> o.getDomAttribute("value"))
                        .containsExactly("a1111", "plain");
                assertThat(syntax.getFirstSelectedOption().getDomAttribute("value")).isEqualTo("a1111");

                draw(browser, LongPrompts.WEIGHTED);
                WebElement weighted = drawn(browser, wait, 1);
                assertThat(weighted.findElement(By.className("reading")).getText())
                        .matches(LongPrompts.READ_IN_CHUNKS);

                syntax.selectByValue("plain");
                draw(browser, LongPrompts.WEIGHTED);
                WebElement plain = drawn(browser, wait, 2);
                assertThat(plain.findElement(By.className("caption")).getText()).contains("plain prompt");
                assertThat(plain.findElement(By.className("reading")).getText()).matches(LongPrompts.CUT);
                Files.write(PlaygroundBrowserTest.ARTIFACTS.resolve("playground-prompt-syntax.png"),
                        browser.getScreenshotAs(OutputType.BYTES));

                List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::toString).toList();
                assertThat(errors).as("errors in the browser console").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }
}
