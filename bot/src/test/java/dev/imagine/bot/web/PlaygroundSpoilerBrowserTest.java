package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.job.ModerationSettings;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.ScriptedClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** In a real browser: a flagged picture stays blurred on the page until it is clicked. */
class PlaygroundSpoilerBrowserTest {
    @TempDir
    Path data;

    @TempDir
    Path profile;

    @Test
    void aFlaggedPicture_isBlurredOnThePage_untilClicked() throws Exception {
        PlaygroundBrowserTest.requireChromium();
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null), null,
                QueueSettings.DEFAULTS, builder -> builder.safety(ScriptedClassifier.flaggingEverything(),
                        SafetyPolicy.SPOILER).moderation(new ModerationSettings(Set.of(), 0, Duration.ofMinutes(10))))) {
            ChromeDriver browser = PlaygroundBrowserTest.startBrowser(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));

                browser.findElement(By.id("prompt")).sendKeys("a lighthouse at dusk", Keys.ENTER);
                WebElement job = wait.until(b -> b.findElement(By.cssSelector("article.job[data-state='done']")));
                WebElement image = wait.until(b -> job.findElement(By.cssSelector("img.result-image")));
                wait.until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth === 256;", image)));

                assertThat(image.getDomAttribute("class")).contains("spoiler");
                assertThat(image.getCssValue("filter")).contains("blur");
                Files.write(PlaygroundBrowserTest.ARTIFACTS.resolve("playground-spoiler.png"),
                        browser.getScreenshotAs(OutputType.BYTES));

                image.click();

                assertThat(image.getDomAttribute("class")).doesNotContain("spoiler");
                assertThat(image.getCssValue("filter")).isEqualTo("none");
                Files.write(PlaygroundBrowserTest.ARTIFACTS.resolve("playground-spoiler-revealed.png"),
                        browser.getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }
}
