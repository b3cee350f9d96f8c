package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.testing.Pictures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Pictures in the playground, in headless Chromium against the real job service and the tiny fixture model: a person
 * chooses a picture (the file dialog) or drops one on the page, draws from it, and presses Vary and Upscale under the
 * result. Skipped outside CI without Debian's Chromium, like {@link PlaygroundBrowserTest}.
 */
class PlaygroundPicturesBrowserTest {
    @TempDir
    Path data;

    @TempDir
    Path profile;

    @TempDir
    Path files;

    private static final String DONE_AT_WIDTH = "const img = arguments[0].querySelector('img.result-image');"
            + " return img !== null && img.complete && img.naturalWidth === arguments[1];";

    private static WebElement nthDone(WebDriverWait wait, int n) {
        return wait.until(b -> {
            List<WebElement> jobs = b.findElements(By.cssSelector("article.job[data-state='done']"));
            return jobs.size() >= n ? jobs.get(n - 1) : null;
        });
    }

    private static void awaitPicture(WebDriverWait wait, WebElement job, int width) {
        wait.until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(DONE_AT_WIDTH, job, width)));
    }

    @Test
    void aPersonChoosesOrDropsAPicture_drawsFromIt_thenVariesAndUpscalesTheResult() throws Exception {
        PlaygroundBrowserTest.requireChromium();
        Path photo = files.resolve("holiday.png");
        Files.write(photo, Pictures.png(320, 256));
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            ChromeDriver browser = PlaygroundBrowserTest.startBrowser(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));

                // Chosen through the file dialog.
                browser.findElement(By.id("picture")).sendKeys(photo.toString());
                assertThat(browser.findElement(By.id("picture-chosen")).isDisplayed()).isTrue();
                WebElement strength = browser.findElement(By.id("strength"));
                strength.clear();
                strength.sendKeys("0.6");
                browser.findElement(By.id("prompt")).sendKeys("a watercolour of it", Keys.ENTER);

                WebElement first = nthDone(wait, 1);
                awaitPicture(wait, first, 320);
                assertThat(first.findElement(By.className("caption")).getText()).contains("a watercolour of it")
                        .contains("320x256").contains("image to image 0.6");
                assertThat(browser.findElement(By.id("picture-chosen")).isDisplayed())
                        .as("the picture is used once, then the composer is clear again").isFalse();

                // Dropped on the page: what the browser does when a file is dragged from the desktop.
                String base64 = Base64.getEncoder().encodeToString(Pictures.jpeg(256, 320));
                ((JavascriptExecutor) browser).executeScript(
                        "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
                                + " const transfer = new DataTransfer();"
                                + " transfer.items.add(new File([bytes], 'dropped.jpg', {type: 'image/jpeg'}));"
                                + " document.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer,"
                                + " bubbles: true, cancelable: true}));", base64);
                assertThat(browser.findElement(By.tagName("body")).getDomAttribute("data-picture"))
                        .isEqualTo("dropped.jpg");
                browser.findElement(By.id("prompt")).sendKeys("a sketch of it", Keys.ENTER);
                WebElement second = nthDone(wait, 2);
                awaitPicture(wait, second, 256);

                first.findElement(By.cssSelector("button[data-action='vary']")).click();
                WebElement varied = nthDone(wait, 3);
                awaitPicture(wait, varied, 320);
                assertThat(varied.findElement(By.className("caption")).getText()).contains("image to image 0.35");

                first.findElement(By.cssSelector("button[data-action='upscale']")).click();
                WebElement upscaled = nthDone(wait, 4);
                awaitPicture(wait, upscaled, 640);
                assertThat(upscaled.findElement(By.className("caption")).getText()).contains("640x512")
                        .contains("upscale");

                Files.write(PlaygroundBrowserTest.ARTIFACTS.resolve("playground-pictures.png"),
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

    @Test
    void aPersonPaintsOverAPictureWithTheBrush_andTheRedrawKeepsEveryUnpaintedPixel_thenZoomsAndPans()
            throws Exception {
        PlaygroundBrowserTest.requireChromium();
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            ChromeDriver browser = PlaygroundBrowserTest.startBrowser(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                browser.get(imagine.base() + "/");
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-ready")));
                browser.findElement(By.id("prompt")).sendKeys("a quiet room", Keys.ENTER);
                WebElement first = nthDone(wait, 1);
                int width = ((Number) ((JavascriptExecutor) browser).executeScript(
                        "return arguments[0].querySelector('img.result-image').naturalWidth;", first)).intValue();
                awaitPicture(wait, first, width);

                first.findElement(By.cssSelector("button[data-action='inpaint']")).click();
                WebElement canvas = first.findElement(By.className("inpaint-canvas"));
                wait.until(b -> canvas.isDisplayed());
                // A stroke across the middle of the picture, with the mouse as a person paints.
                new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, -20, 0).clickAndHold()
                        .moveByOffset(20, 5).moveByOffset(20, -5).release().perform();
                assertThat(first.findElement(By.cssSelector("form.inpaint")).getDomAttribute("data-painted"))
                        .isEqualTo("true");
                first.findElement(By.className("inpaint-prompt")).sendKeys("a red chair");
                first.findElement(By.className("inpaint-send")).click();

                WebElement painted = nthDone(wait, 2);
                awaitPicture(wait, painted, width);
                assertThat(painted.findElement(By.className("caption")).getText()).contains("a red chair")
                        .contains("inpaint");
                java.awt.image.BufferedImage before = picture(imagine, first);
                java.awt.image.BufferedImage after = picture(imagine, painted);
                int kept = 0;
                int changed = 0;
                int h = before.getHeight();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < width; x++) {
                        boolean nearTheStroke = Math.abs(x - width / 2) < width / 4 && Math.abs(y - h / 2) < h / 4;
                        if (!nearTheStroke) {
                            assertThat(after.getRGB(x, y)).as("unpainted pixel %d,%d", x, y)
                                    .isEqualTo(before.getRGB(x, y));
                            kept++;
                        } else if (after.getRGB(x, y) != before.getRGB(x, y)) {
                            changed++;
                        }
                    }
                }
                assertThat(kept).isGreaterThan(width * h / 2);
                assertThat(changed).as("the painted part is redrawn").isPositive();

                painted.findElement(By.cssSelector("button[data-action='pan-right']")).click();
                WebElement panned = nthDone(wait, 3);
                awaitPicture(wait, panned, width + width / 2);
                assertThat(panned.findElement(By.className("caption")).getText()).contains("pan");
                assertThat(panned.findElements(By.cssSelector(".actions button"))).hasSizeGreaterThan(12);
                List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(LogEntry::toString).toList();
                assertThat(errors).as("errors in the browser console").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }

    /** The first picture of a job's bubble, fetched as the page fetched it. */
    private static java.awt.image.BufferedImage picture(TinyImagine imagine, WebElement job) throws Exception {
        String src = job.findElement(By.cssSelector("img.result-image")).getDomAttribute("src");
        byte[] png = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(imagine.base() + src)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        return javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    }
}
