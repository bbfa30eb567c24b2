package com.pmsrelay.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven by its chromedriver (both from apt: Selenium Manager would try
 * to download a driver, and the build machines have no internet).
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Dimension DESKTOP = new Dimension(1280, 800);
  static final Dimension TABLET = new Dimension(768, 1024);

  final ChromeDriver driver;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** On a developer machine without Chromium the tests are skipped; in CI (CI=true) they fail instead. */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
          + " is missing: .ci/run installs them (apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(installed, "browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER
        + " are needed (apt-get install chromium chromium-driver)");
  }

  static Browser start(Path profile, Path screenshots) throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=1280,800", "--lang=en-AU");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    Files.createDirectories(screenshots);
    Browser b = new Browser(new ChromeDriver(options), screenshots);
    b.viewport(DESKTOP);
    return b;
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void waitUntil(String what, java.util.function.BooleanSupplier condition) {
    // Pages re-render their tables, so an element found a moment ago may be gone: look again.
    new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> condition.getAsBoolean());
  }

  /** Waits until the text of {@code by} is {@code wanted}; a time-out names the text last seen. */
  void waitForText(String what, By by, java.util.function.Predicate<String> wanted) {
    java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
    new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> what + " (last seen: \"" + seen.get() + "\")")
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> {
          seen.set(d.findElement(by).getText());
          return wanted.test(seen.get());
        });
  }

  /** The page as it is now, at 1280x800 and at 768x1024 (then back to 1280x800). */
  void screenshots(String name) throws IOException, InterruptedException {
    shoot(name + "-1280x800", DESKTOP);
    shoot(name + "-768x1024", TABLET);
    viewport(DESKTOP);
    Thread.sleep(300);
  }

  /** The page's viewport at exactly this size (a window's size would include the browser's own frame). */
  void viewport(Dimension size) {
    driver.manage().window().setSize(new Dimension(size.width, size.height + 200));
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of(
        "width", size.width, "height", size.height, "deviceScaleFactor", 1, "mobile", false));
  }

  /** After a failed step: what the page showed, for the report. */
  void evidence(String name) {
    try {
      Files.write(screenshots.resolve("failed-" + name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      Files.writeString(screenshots.resolve("failed-" + name + ".txt"), driver.findElement(By.tagName("body")).getText()
          + "\n\n--- browser console ---\n" + String.join("\n", consoleMessages().stream().map(LogEntry::toString).toList()));
    } catch (RuntimeException | IOException e) {
      // evidence is best effort; the test's own failure is what matters
    }
  }

  private void shoot(String file, Dimension size) throws IOException, InterruptedException {
    viewport(size);
    // Charts size themselves when drawn: redraw at this width, then let layout settle.
    driver.executeScript("window.dispatchEvent(new Event('resize'))");
    Thread.sleep(500);
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(screenshots.resolve(file + ".png"), png);
  }

  /** Console messages the page logged (CSP violations among them). */
  List<LogEntry> consoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** Runs {@code fetch} in the page (so with its session cookie) and returns "status body". */
  String fetch(String method, String url, String csrf, String body) {
    Object r = driver.executeAsyncScript(
        "const [m, u, t, b, done] = arguments;"
            + "const h = {'Content-Type': 'application/json'}; if (t) { h['X-CSRF-Token'] = t; }"
            + "fetch(u, {method: m, headers: h, body: b, credentials: 'same-origin'})"
            + ".then(async r => done(r.status + ' ' + await r.text())).catch(e => done('error ' + e));",
        method, url, csrf, body);
    return String.valueOf(r);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
