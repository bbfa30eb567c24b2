package com.pmsrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.demo.DemoMode;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;

/**
 * "Moving to a new server" and the version banner in a real browser (headless Chromium), against
 * the demo started in this JVM (its agents run this build's version, so the test can set a version
 * policy above them in the store): the banner for an outdated agent, then the move clicked
 * and confirmed, the new key and the steps shown, and the old server's agent dropped. First, at
 * the other practice, the audit page shows a head signed after it was opened, without a reload.
 * Screenshots go to {@code target/screenshots/move-*}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(MoveServerBrowserIT.Evidence.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MoveServerBrowserIT {
  /** A failed step leaves a screenshot and the page's text next to the screenshots. */
  static final class Evidence implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (browser != null) {
        browser.evidence("move-" + context.getRequiredTestMethod().getName());
      }
    }
  }

  static DemoMode.Running demo;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    Path dir = Files.createTempDirectory("move-it");
    Path config = dir.resolve("demo-test.json");
    Files.writeString(config, new JsonObject().put("patients", 300).encode());
    demo = DemoMode.start(config, 0, dir.resolve("data"), 1, new JsonObject(), new PrintStream(new ByteArrayOutputStream()));
    com.pmsrelay.logs.TestSecrets.recordCredentials(demo.credentials());
    browser = Browser.start(dir.resolve("chromium-profile"),
        Path.of(System.getProperty("pmsrelay.screenshots", "target/screenshots")));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (demo != null) {
      demo.close().await();
    }
  }

  static String text(String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  /** Logs in as {@code user}, whoever was logged in before (a failed test may not have logged out). */
  static void logIn(JsonObject user) {
    browser.driver.get(demo.credentials().getString("consoleUrl"));
    browser.driver.manage().deleteAllCookies();
    browser.driver.navigate().refresh();
    browser.waitFor(By.id("login-form"));
    browser.driver.findElement(By.id("login-username")).sendKeys(user.getString("username"));
    browser.driver.findElement(By.id("login-password")).sendKeys(user.getString("password") + "\n");
  }

  @Test
  @Order(1)
  void theAuditPageShowsAHeadSignedAfterItWasOpenedWithoutAReload() throws Exception {
    // The second practice's log is empty until this test's query: nothing of it is signed yet.
    DemoClient client = new DemoClient(demo.credentials());
    JsonObject user = client.user(1);
    logIn(user);
    browser.waitUntil("the agent shows online", () -> text("agent-status").equals("Online"));
    browser.driver.findElement(By.cssSelector("nav a[data-nav='audit']")).click();
    browser.waitForText("nothing is signed yet", By.id("audit-signed"), t -> t.startsWith("Not signed yet"));
    assertThat(text("audit-table")).contains("No records match these filters.");

    assertThat(client.query(client.token(client.integratorEnabledAt(1)), client.practiceId(1),
        "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    // The demo signs within 5 s, the page looks again every 10 s: the head shows with the page as it was.
    browser.waitForText("the head signed since shows", By.id("audit-signed"),
        t -> t.startsWith("Latest signed head: record 1, signed "));
    assertThat(text("audit-table")).as("the page was not reloaded").contains("No records match these filters.");
    browser.driver.findElement(By.id("logout")).click();
    browser.waitFor(By.id("login-form"));
  }

  @Test
  @Order(2)
  void theBannerShowsForAnOutdatedAgentAndMovingShowsTheNewKeyWithTheSteps() throws Exception {
    new AgentStateStore(demo.cloud().database()).setPolicy(null, "99.0", System.currentTimeMillis()).await();
    JsonObject user = demo.credentials().getJsonArray("consoleUsers").getJsonObject(0);
    String oldKey = demo.agents().get(0).config().agentKey();

    logIn(user);
    browser.waitUntil("the agent shows online", () -> text("agent-status").equals("Online"));
    browser.waitUntil("the banner for an outdated agent", () -> browser.driver.findElement(By.id("version-banner")).isDisplayed());
    // "dev" from classes, the pom's version from the packaged jar (as failsafe runs it): either is below 99.0
    assertThat(text("version-banner")).isEqualTo("Agent update needed. Your agent is version "
        + com.pmsrelay.common.Version.current() + "; version 99.0 or later is recommended.");
    assertThat(text("agent-address")).isEqualTo("127.0.0.1");
    browser.screenshots("move-banner");

    browser.driver.findElement(By.cssSelector("nav a[data-nav='security']")).click();
    browser.waitUntil("the security page is shown",
        () -> "security".equals(browser.driver.findElement(By.tagName("body")).getAttribute("data-current-page")));
    assertThat(browser.driver.findElement(By.id("move-key")).isDisplayed()).isFalse();

    // Cancelled first: nothing changes.
    browser.driver.findElement(By.id("move-server")).click();
    browser.waitFor(By.id("confirm"));
    assertThat(text("confirm")).contains("Move the agent to a new server?").contains("shown only once");
    browser.driver.findElement(By.id("confirm-cancel")).click();
    Thread.sleep(500);
    assertThat(browser.driver.findElement(By.id("move-key")).isDisplayed()).isFalse();
    assertThat(demo.agents().get(0).isConnected()).as("a cancelled move leaves the agent alone").isTrue();

    browser.driver.findElement(By.id("move-server")).click();
    browser.waitFor(By.id("confirm"));
    browser.driver.findElement(By.id("confirm-ok")).click();
    browser.waitFor(By.id("move-key"));
    String key = text("move-key-value");
    com.pmsrelay.logs.TestSecrets.record("agent key", key);
    assertThat(key).startsWith("pmsa_").isNotEqualTo(oldKey);
    String shown = text("move-key");
    assertThat(shown).contains("It is shown only now.").contains("Steps on the new server")
        .contains("replace the value of \"agentKey\" with the key above")
        .contains("Uninstall the agent on the old server");
    browser.screenshots("move-key");
    browser.waitUntil("the old server's agent is dropped", () -> !demo.agents().get(0).isConnected());
    assertThat(browser.consoleMessages()).noneMatch(m -> m.getMessage().contains("Content Security Policy"));
  }
}
