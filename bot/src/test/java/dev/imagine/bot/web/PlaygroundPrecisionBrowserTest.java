package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in Debian's headless Chromium (as {@link PlaygroundBrowserTest}) over an Imagine that loaded both
 * UNets ({@code model.compare-precision: true}): the options offer fp32, int8 and both side by side; both draws the
 * same seed twice, shows the two pictures next to each other with their times, and the PSNR between them that the page
 * computes is the one computed here from the two PNGs.
 */
class PlaygroundPrecisionBrowserTest {
    @TempDir
    Path data;

    @TempDir
    Path profile;

    @TempDir
    Path models;

    @Test
    void bothSideBySide_drawsTheSameSeedWithEachUnet_andShowsTheirTimesAndThePsnrBetweenThem() throws Exception {
        PlaygroundBrowserTest.requireChromium();
        try (ImageGenerator both = TinyModel.comparingPrecisions(models);
             TinyImagine imagine = TinyImagine.drawingWith(data, new WebSettings("127.0.0.1", 0, null), both)) {
            ChromeDriver browser = PlaygroundBrowserTest.startBrowser(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));
                browser.findElement(By.cssSelector("#options summary")).click();
                assertThat(browser.findElement(By.id("precision-choice")).isDisplayed()).isTrue();
                Select precision = new Select(browser.findElement(By.id("precision")));
                assertThat(precision.getOptions()).extracting(WebElement::getText)
                        .containsExactly("fp32", "int8", "both side by side");
                assertThat(precision.getFirstSelectedOption().getText()).isEqualTo("fp32");

                precision.selectByValue("both");
                WebElement seed = browser.findElement(By.id("seed"));
                seed.clear();
                seed.sendKeys("77");
                ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];",
                        browser.findElement(By.id("prompt")), "a lighthouse at dusk");
                browser.findElement(By.id("draw")).click();

                WebElement pair = wait.until(b -> {
                    List<WebElement> compared = b.findElements(By.cssSelector(".compare[data-compared='true']"));
                    return compared.isEmpty() ? null : compared.get(0);
                });
                List<WebElement> jobs = pair.findElements(By.cssSelector(".pair > article.job[data-state='done']"));
                assertThat(jobs).hasSize(2);
                assertThat(jobs.get(0).getLocation().getY()).as("next to each other, not one under the other")
                        .isEqualTo(jobs.get(1).getLocation().getY());
                assertThat(jobs.get(0).getLocation().getX()).isLessThan(jobs.get(1).getLocation().getX());
                assertThat(jobs.get(0).findElement(By.className("caption")).getText())
                        .contains("seed 77").contains("fp32 UNet");
                assertThat(jobs.get(1).findElement(By.className("caption")).getText())
                        .contains("seed 77").contains("int8 UNet");
                String line = pair.findElement(By.className("comparison")).getText();
                assertThat(line).matches("fp32 [0-9.]+ s · int8 [0-9.]+ s · PSNR of int8 against fp32 [0-9.]+ dB");

                // The page's PSNR is the one of the two pictures the API hands out.
                Person person = new Person(imagine.base());
                byte[] fp32 = person.get("/api/jobs/" + jobs.get(0).getDomAttribute("data-job-id") + "/images/0")
                        .response().body();
                byte[] int8 = person.get("/api/jobs/" + jobs.get(1).getDomAttribute("data-job-id") + "/images/0")
                        .response().body();
                assertThat(int8).isNotEqualTo(fp32);
                assertThat(Double.parseDouble(pair.getDomAttribute("data-psnr")))
                        .isCloseTo(psnr(fp32, int8), within(0.01));
                Files.write(PlaygroundBrowserTest.ARTIFACTS.resolve("playground-precision.png"),
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

    /** PSNR over red, green and blue of every pixel, as the page computes it. */
    private static double psnr(byte[] pngA, byte[] pngB) throws java.io.IOException {
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(pngA));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(pngB));
        double squares = 0;
        long count = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
                    squares += d * d;
                    count++;
                }
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / (squares / count));
    }
}
