package com.pmsrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.openqa.selenium.WebElement;

/**
 * Quarantine end to end, as a practice manager does it in a real browser (headless Chromium)
 * against the packaged jar in demo mode: quarantine with the agent key replaced (the reason asked
 * for first), the new key shown once with its installation steps, integrators refused, the demo's
 * agent (holding the old key) refused each time it reconnects, the new key installed on a real
 * agent process, then the integrations resumed one and then all. Screenshots go to
 * {@code target/screenshots/quarantine-*}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(QuarantineBrowserIT.Evidence.class)
class QuarantineBrowserIT {
  /** A failed step leaves a screenshot and the page's text next to the screenshots. */
  static final class Evidence implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (browser != null) {
        browser.evidence("quarantine-" + context.getRequiredTestMethod().getName());
      }
    }
  }

  static final String SQL = "SELECT TOP 1 PatientId FROM dbo.Patients";
  static final String REASON = "Ransomware warning on the reception PC";
  static final Pattern BRIDGE = Pattern.compile(
      "agent bridge on port (\\d+) \\(TLS fingerprint SHA-256 ([0-9a-f]{64})\\)");

  static Path dir;
  static DemoJar demo;
  static Browser browser;
  static JsonObject own;   // enabled at practice 0 only
  static JsonObject other; // enabled at practice 1 only: pending at practice 0
  static JsonObject both;  // enabled at both
  static String newKey;
  static Process agent;    // a real agent with the new key, as the practice's IT would restart it

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    dir = Files.createTempDirectory("quarantine-it");
    demo = DemoJar.start(dir);
    own = demo.integratorEnabledAt(0);
    other = demo.integratorEnabledAt(1);
    both = demo.integratorEnabledAt(0, 1);
    browser = Browser.start(dir.resolve("chromium-profile"),
        Path.of(System.getProperty("pmsrelay.screenshots", "target/screenshots")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.destroy();
      if (!agent.waitFor(20, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
      com.pmsrelay.logs.TestLogs.keep("agent-jar", dir.resolve("new-agent.log"));
    }
    if (browser != null) {
      browser.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  /** An integrator's answer to one query: "200" or "status code". */
  static String answer(JsonObject integrator, int practice) throws Exception {
    HttpResponse<String> r = demo.query(demo.token(integrator), demo.practiceId(practice), SQL);
    return r.statusCode() == 200 ? "200" : r.statusCode() + " " + new JsonObject(r.body()).getString("code");
  }

  static String text(String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  static void go(String page) {
    browser.driver.findElement(By.cssSelector("nav a[data-nav='" + page + "']")).click();
    browser.waitUntil("the " + page + " page is shown",
        () -> page.equals(browser.driver.findElement(By.tagName("body")).getAttribute("data-current-page")));
  }

  static long refusals(String practiceId) throws Exception {
    return Files.readAllLines(dir.resolve("demo.log")).stream()
        .filter(l -> l.contains("agent authentication refused") && l.contains(practiceId)).count();
  }

  @Test
  @Order(1)
  void quarantiningAsksWhyThenPausesEveryIntegrationAndShowsTheNewKeyOnce() throws Exception {
    browser.driver.get(demo.credentials.getString("consoleUrl"));
    browser.waitFor(By.id("login-form"));
    browser.driver.findElement(By.id("login-username")).sendKeys(demo.user(0).getString("username"));
    browser.driver.findElement(By.id("login-password")).sendKeys(demo.user(0).getString("password") + "\n");
    browser.waitUntil("the agent shows online", () -> text("agent-status").equals("Online"));
    assertThat(answer(own, 0)).isEqualTo("200");
    assertThat(browser.driver.findElement(By.id("quarantine-banner")).isDisplayed()).isFalse();
    long refusedBefore = refusals(demo.practiceId(0));

    go("quarantine");
    browser.driver.findElement(By.id("quarantine-start")).click();
    WebElement dialog = browser.waitFor(By.id("quarantine-dialog"));
    assertThat(dialog.getText()).contains("Every integration is paused").contains("Why?");
    browser.driver.findElement(By.id("quarantine-confirm")).click(); // no reason yet
    browser.waitUntil("the reason is asked for", () -> text("quarantine-reason-error").contains("Say why"));
    assertThat(dialog.isDisplayed()).as("still open without a reason").isTrue();
    assertThat(answer(own, 0)).as("nothing happened yet").isEqualTo("200");
    browser.driver.findElement(By.id("quarantine-reason-input")).sendKeys(REASON);
    browser.driver.findElement(By.id("quarantine-rotate")).click();
    browser.screenshots("quarantine-confirm");
    browser.driver.findElement(By.id("quarantine-confirm")).click();

    newKey = browser.waitFor(By.id("quarantine-key-value")).getText();
    assertThat(newKey).startsWith("pmsa_");
    assertThat(text("quarantine-key")).contains("/etc/pms-relay/agent.json").contains("agentKey")
        .contains("PMSRELAY_AGENT_KEY").contains("systemctl restart pms-relay-agent").contains("Restart-Service");
    browser.waitUntil("the banner shows the reason", () -> text("quarantine-banner").contains(REASON));
    assertThat(text("quarantine-banner")).contains("2 integrations paused");
    assertThat(text("quarantine-reason")).isEqualTo(REASON);
    browser.screenshots("quarantine-active");

    // Integrators are refused at this practice, at once; the other practice goes on.
    assertThat(answer(own, 0)).isEqualTo("403 integration_disabled");
    assertThat(answer(both, 0)).isEqualTo("403 integration_disabled");
    assertThat(answer(both, 1)).isEqualTo("200");
    // The demo's agent was dropped, and each time it comes back with the old key it is refused.
    browser.waitUntil("the agent shows offline", () -> text("agent-status").equals("Offline"));
    browser.waitUntil("the old key is refused on reconnect", () -> {
      try {
        return refusals(demo.practiceId(0)) >= refusedBefore + 2;
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(text("quarantine-banner")).as("every page shows the banner").contains(REASON);
  }

  @Test
  @Order(2)
  void theKeyIsShownOnceAndTheAgentWithTheNewKeyComesOnline() throws Exception {
    go("integrations");
    assertThat(browser.driver.findElement(By.id("quarantine-banner")).isDisplayed()).isTrue();
    go("quarantine");
    assertThat(browser.driver.findElement(By.id("quarantine-key")).isDisplayed()).as("the key is shown once").isFalse();
    assertThat(browser.driver.getPageSource()).doesNotContain(newKey);

    // The practice's IT puts the new key in agent.json and restarts the agent.
    Matcher bridge = BRIDGE.matcher(Files.readString(dir.resolve("demo.log")));
    assertThat(bridge.find()).isTrue();
    Path config = dir.resolve("agent.json");
    Files.writeString(config, new JsonObject()
        .put("practiceId", demo.practiceId(0)).put("agentKey", newKey)
        .put("cloud", new JsonObject().put("host", "127.0.0.1").put("port", Integer.parseInt(bridge.group(1)))
            .put("tls", new JsonObject().put("pinnedSha256", bridge.group(2))))
        .put("pms", new JsonObject().put("kind", "demo").put("product", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
            .put("demo", new JsonObject().put("dir", dir.resolve("new-agent-pms").toString()).put("patients", 200)))
        .encodePrettily());
    agent = new ProcessBuilder("java", "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        System.getProperty("pmsrelay.jar", "target/pms-relay.jar"), "agent", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("new-agent.log").toFile()).start();
    browser.waitUntil("the agent with the new key shows online", () -> text("agent-status").equals("Online"));
    // Still quarantined: the agent is back, the integrations are not.
    assertThat(answer(own, 0)).isEqualTo("403 integration_disabled");
  }

  @Test
  @Order(3)
  void resumingOneThenAllGivesEachItsStatusBackAndEndsTheQuarantine() throws Exception {
    String ownRow = "#quarantine-table tr[data-client-id='" + own.getString("clientId") + "']";
    String bothRow = "#quarantine-table tr[data-client-id='" + both.getString("clientId") + "']";
    String otherRow = "#quarantine-table tr[data-client-id='" + other.getString("clientId") + "']";
    assertThat(browser.driver.findElement(By.cssSelector(otherRow)).getAttribute("data-outcome")).isEqualTo("unchanged");
    browser.driver.findElement(By.cssSelector(ownRow + " button[data-action='resume']")).click();
    browser.waitUntil("the row shows resumed", () -> "restored".equals(
        browser.driver.findElement(By.cssSelector(ownRow)).getAttribute("data-outcome")));
    assertThat(answer(own, 0)).isEqualTo("200");
    assertThat(answer(both, 0)).isEqualTo("403 integration_disabled");
    browser.waitUntil("the banner counts one paused", () -> text("quarantine-banner").contains("1 integration paused"));

    browser.driver.findElement(By.id("quarantine-resume-all")).click();
    browser.waitFor(By.id("confirm"));
    assertThat(text("confirm")).contains("status it had before");
    browser.driver.findElement(By.id("confirm-ok")).click();
    browser.waitUntil("the quarantine has ended", () -> browser.driver.findElement(By.id("quarantine-off")).isDisplayed());
    assertThat(browser.driver.findElement(By.id("quarantine-banner")).isDisplayed()).isFalse();
    assertThat(text("quarantine-last")).contains(REASON);
    assertThat(answer(both, 0)).isEqualTo("200");
    assertThat(answer(other, 0)).as("pending stays pending").isEqualTo("404 practice_not_found");
    browser.screenshots("quarantine-resumed");

    go("audit");
    browser.waitUntil("the audit log shows the quarantine", () -> text("audit-table").contains("quarantined the practice"));
    assertThat(text("audit-table")).contains(REASON).contains("rotated the agent key").contains("resumed");
    assertThat(browser.consoleMessages()).noneMatch(m -> m.getMessage().contains("Content Security Policy")
        || m.getMessage().contains("Content-Security-Policy"));
  }
}
