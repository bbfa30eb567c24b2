package com.pmsrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The practice admins' console in a real browser (headless Chromium) against the packaged jar in
 * demo mode: the steps a practice manager takes, in order, each checked against what an integrator
 * then gets from the API. Screenshots of every page at 1280x800 and 768x1024 go to
 * {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(ConsoleBrowserIT.Evidence.class)
class ConsoleBrowserIT {
  /** A failed step leaves a screenshot and the page's text next to the screenshots. */
  static final class Evidence implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (browser != null) {
        browser.evidence(context.getRequiredTestMethod().getName());
      }
    }
  }

  static Path dir;
  static DemoJar demo;
  static Browser browser;
  static JsonObject own;      // enabled at practice 0 only
  static JsonObject other;    // enabled at practice 1 only: pending at practice 0
  static JsonObject both;     // enabled at both

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    dir = Files.createTempDirectory("console-it");
    demo = DemoJar.start(dir);
    own = demo.integratorEnabledAt(0);
    other = demo.integratorEnabledAt(1);
    both = demo.integratorEnabledAt(0, 1);
    browser = Browser.start(dir.resolve("chromium-profile"),
        Path.of(System.getProperty("pmsrelay.screenshots", "target/screenshots")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  static String row(JsonObject integrator) {
    return "tr[data-client-id='" + integrator.getString("clientId") + "']";
  }

  static String statusOf(JsonObject integrator) {
    return browser.driver.findElement(By.cssSelector(row(integrator))).getAttribute("data-status");
  }

  static void go(String page) {
    browser.driver.findElement(By.cssSelector("nav a[data-nav='" + page + "']")).click();
    browser.waitUntil("the " + page + " page is shown",
        () -> page.equals(browser.driver.findElement(By.tagName("body")).getAttribute("data-current-page")));
  }

  @Test
  @Order(1)
  void logsInAndSeesTheOnlineAgentAndTheIntegrators() throws Exception {
    browser.driver.get(demo.credentials.getString("consoleUrl"));
    browser.waitFor(By.id("login-form"));
    browser.screenshots("login");
    // Keyboard only: type, Tab, type, Enter.
    browser.driver.findElement(By.id("login-username")).sendKeys(demo.user(0).getString("username"));
    browser.driver.findElement(By.id("login-password")).sendKeys(demo.user(0).getString("password") + "\n");

    browser.waitFor(By.cssSelector(row(own)));
    assertThat(browser.driver.findElement(By.id("practice-name")).getText()).isEqualTo(demo.practiceName(0));
    browser.waitUntil("the agent shows online",
        () -> browser.driver.findElement(By.id("agent-status")).getText().equals("Online"));
    assertThat(browser.driver.findElement(By.id("agent-version")).getText()).isNotEqualTo("—");
    // The agent's load as of its last heartbeat: numbers, not the "not reported" dash.
    browser.waitUntil("the agent's load is shown",
        () -> browser.driver.findElement(By.id("agent-queue")).getText().matches("\\d+")
            && browser.driver.findElement(By.id("agent-running")).getText().matches("\\d+"));
    String table = browser.driver.findElement(By.id("integrations-table")).getText();
    for (int i = 0; i < demo.integrators().size(); i++) {
      assertThat(table).contains(demo.integrators().getJsonObject(i).getString("name"));
    }
    assertThat(statusOf(own)).isEqualTo("enabled");
    assertThat(statusOf(other)).isEqualTo("pending");
    assertThat(table).contains("600 queries/min").contains("10,000 rows per query");
    browser.screenshots("integrations");
  }

  @Test
  @Order(2)
  void disablingRefusesTheNextQueryWith403AndEnablingRestoresIt() throws Exception {
    String token = demo.token(own);
    String practice = demo.practiceId(0);
    assertThat(demo.query(token, practice, "SELECT TOP 3 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);

    browser.driver.findElement(By.cssSelector(row(own) + " button[data-action='disabled']")).click();
    browser.waitUntil("the row shows disabled", () -> "disabled".equals(statusOf(own)));
    HttpResponse<String> refused = demo.query(token, practice, "SELECT TOP 3 PatientId FROM dbo.Patients");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("integration_disabled");

    browser.driver.findElement(By.cssSelector(row(own) + " button[data-action='enabled']")).click();
    browser.waitUntil("the row shows enabled", () -> "enabled".equals(statusOf(own)));
    assertThat(demo.query(token, practice, "SELECT TOP 3 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    // Markup in data must show as text: this SQL lands in the audit log and the top queries.
    assertThat(demo.query(token, practice, "SELECT '<img src=x id=pwned>' AS Markup").statusCode()).isEqualTo(200);
    // Schema requests land in the audit log too; the catalogue asked for is the integrator's text.
    assertThat(demo.get("/v1/practices/" + practice + "/schema", "Authorization", "Bearer " + token).statusCode())
        .isEqualTo(200);
    assertThat(demo.get("/v1/practices/" + practice + "/schema?catalogue=%3Cimg%20src%3Dx%20id%3Dpwned2%3E",
        "Authorization", "Bearer " + token).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void blockingAsksFirstAndSaysWhatItDoes() throws Exception {
    browser.driver.findElement(By.cssSelector(row(both) + " button[data-action='blocked']")).click();
    WebElement dialog = browser.waitFor(By.id("confirm"));
    assertThat(dialog.getText()).contains("Blocking stops").contains(both.getString("name"));
    browser.screenshots("block-confirm");
    browser.driver.findElement(By.id("confirm-cancel")).click();
    browser.waitUntil("the dialog closes", () -> !dialog.isDisplayed());
    assertThat(statusOf(both)).isEqualTo("enabled");
  }

  @Test
  @Order(4)
  void aPairingCodeIsShownAndTheIntegratorRedeemsIt() throws Exception {
    browser.driver.findElement(By.cssSelector(row(other) + " button[data-action='pair']")).click();
    WebElement code = browser.waitFor(By.id("pairing-code"));
    String pairingCode = code.getText();
    assertThat(pairingCode.replace("-", "")).hasSize(8);
    assertThat(browser.driver.findElement(By.id("pairing-expiry")).getText()).isNotBlank();
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("pairing-copy");
    browser.screenshots("pairing-code");

    HttpResponse<String> redeemed = demo.postJson(demo.token(other), "/v1/pairings",
        new JsonObject().put("pairingCode", pairingCode));
    assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
    browser.driver.findElement(By.id("pairing-close")).click();
    browser.waitUntil("the paired integration shows enabled", () -> "enabled".equals(statusOf(other)));
    assertThat(demo.query(demo.token(other), demo.practiceId(0), "SELECT TOP 1 PatientId FROM dbo.Patients")
        .statusCode()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void registeredQueriesAreListedWithTheirScheduleAndNeverTheirValues() throws Exception {
    String sql = "SELECT TOP 3 PatientId, '<img src=x id=pwned3>' AS Markup FROM dbo.Patients WHERE Surname = ?";
    HttpResponse<String> created = demo.postJson(demo.token(own), "/v1/practices/" + demo.practiceId(0)
        + "/registered-queries", new JsonObject().put("sql", sql).put("params", new io.vertx.core.json.JsonArray()
            .add("Registered-Secret-Surname")).put("everySeconds", 300));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = new JsonObject(created.body()).getString("registrationId");
    go("registered");
    String row = "#registered-list section[data-client-id='" + own.getString("clientId") + "'] tr[data-registration-id='"
        + id + "']";
    String text = browser.waitFor(By.cssSelector(row)).getText();
    assertThat(text).contains("every 5 minutes").contains("Active").contains("<img src=x id=pwned3>")
        .contains("1 value not shown").contains("Not yet");
    assertThat(browser.driver.findElement(By.id("registered-list")).getText()).contains(own.getString("name"))
        .doesNotContain("Registered-Secret-Surname");
    assertThat(browser.driver.findElements(By.id("pwned3"))).isEmpty();
    browser.screenshots("registered");
  }

  @Test
  @Order(6)
  void activityShowsChartsAndTheTopQueries() throws Exception {
    go("activity");
    browser.waitUntil("four charts are drawn",
        () -> browser.driver.findElements(By.cssSelector("#page-activity .uplot canvas")).size() == 4);
    String totals = browser.driver.findElement(By.id("activity-totals")).getText();
    assertThat(totals).contains(own.getString("name"));
    String top = browser.driver.findElement(By.id("top-queries")).getText();
    assertThat(top).contains("SELECT TOP 3 PatientId FROM dbo.Patients").contains("<img src=x id=pwned>");
    assertThat(browser.driver.findElements(By.id("pwned"))).isEmpty();
    browser.screenshots("activity");
    new Select(browser.driver.findElement(By.id("activity-period"))).selectByValue("week");
    browser.driver.findElement(By.cssSelector("#activity-form button")).click();
    browser.waitUntil("the week's charts are drawn",
        () -> browser.driver.findElements(By.cssSelector("#page-activity .uplot canvas")).size() == 4);
  }

  @Test
  @Order(7)
  void theAuditLogShowsTheRefusedQueryAndAdminActionsAndExportsCsv() throws Exception {
    go("audit");
    browser.waitFor(By.cssSelector("#audit-table tbody tr[data-kind='admin']"));
    // The latest signed head: position, time, and fingerprints of the head and of the signing key. The
    // demo signs every 5 s; opened sooner after its first record, the page shows it once its next look
    // (every 10 s) finds it, without a reload.
    browser.waitForText("the latest signed head is shown", By.id("audit-signed"), text -> text.matches(
        "Latest signed head: record [0-9,.]+, signed .+ · head [0-9a-f]{4}( [0-9a-f]{4}){3} · key [0-9a-f]{4}( [0-9a-f]{4}){3}"));
    new Select(browser.driver.findElement(By.id("audit-actor"))).selectByValue(own.getString("clientId"));
    new Select(browser.driver.findElement(By.id("audit-outcome"))).selectByValue("refused");
    browser.driver.findElement(By.cssSelector("#audit-form button[type='submit']")).click();
    // The filtered page replaces the unfiltered one: wait for it, not just for a matching row.
    browser.waitUntil("only refused queries are listed", () ->
        !browser.driver.findElements(By.cssSelector("#audit-table tbody tr[data-outcome='integration_disabled']")).isEmpty()
            && browser.driver.findElements(By.cssSelector("#audit-table tbody tr[data-outcome='succeeded']")).isEmpty());
    browser.screenshots("audit");

    String href = browser.driver.findElement(By.id("audit-csv")).getAttribute("href");
    String csv = browser.fetch("GET", href, null, null);
    assertThat(csv).startsWith("200 seq,time,kind,actor").contains("integration_disabled").doesNotContain(",succeeded,");

    new Select(browser.driver.findElement(By.id("audit-actor"))).selectByValue("");
    new Select(browser.driver.findElement(By.id("audit-outcome"))).selectByValue("");
    new Select(browser.driver.findElement(By.id("audit-kind"))).selectByValue("admin");
    browser.driver.findElement(By.cssSelector("#audit-form button[type='submit']")).click();
    browser.waitUntil("admin actions are listed", () -> browser.driver.findElement(By.id("audit-table")).getText()
        .contains("disabled " + own.getString("name")));

    new Select(browser.driver.findElement(By.id("audit-kind"))).selectByValue("schema");
    browser.driver.findElement(By.cssSelector("#audit-form button[type='submit']")).click();
    browser.waitUntil("schema requests are listed", () -> browser.driver.findElement(By.id("audit-table")).getText()
        .contains("listed the tables it may read of <img src=x id=pwned2>"));
    assertThat(browser.driver.findElements(By.cssSelector("#audit-table tbody tr[data-kind='schema']")))
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(browser.driver.findElements(By.id("pwned2"))).isEmpty();
  }

  @Test
  @Order(8)
  void anotherPracticesIdsInRequestsGetNotFound() throws Exception {
    String session = browser.fetch("GET", "api/session", null, null);
    String csrf = new JsonObject(session.substring(4)).getString("csrfToken");
    String mine = demo.practiceId(0);
    String theirs = demo.practiceId(1);
    String clientId = both.getString("clientId");
    for (String path : new String[] {"", "/integrations", "/audit", "/audit.csv", "/activity", "/top-queries", "/alerts",
        "/registered-queries"}) {
      assertThat(browser.fetch("GET", "api/practices/" + theirs + path, null, null)).as(path).startsWith("404 ");
    }
    assertThat(browser.fetch("PUT", "api/practices/" + theirs + "/integrations/" + clientId, csrf,
        "{\"status\":\"blocked\"}")).startsWith("404 ");
    assertThat(browser.fetch("POST", "api/practices/" + theirs + "/integrations/" + clientId + "/pairing-codes", csrf,
        "{}")).startsWith("404 ");
    assertThat(browser.fetch("POST", "api/practices/" + theirs + "/agent-key", csrf, "{}")).startsWith("404 ");
    // Their practice is untouched: the integrator still reads it, and its agent kept its key.
    assertThat(demo.query(demo.token(both), theirs, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode())
        .isEqualTo(200);
    // Our own practice through the same calls answers, so the 404s above are the isolation at work.
    assertThat(browser.fetch("GET", "api/practices/" + mine + "/integrations", null, null)).startsWith("200 ");
  }

  @Test
  @Order(9)
  void anAlertShowsAsABadgeAndIsAcknowledgedOnItsPage() throws Exception {
    // Someone guessing the secret of an integration this practice granted: 20 failures trip the shipped
    // threshold. After five the throttle answers 429 (held back up to 1 s), and the monitor counts those too.
    for (int i = 0; i < 20; i++) {
      assertThat(demo.tokenStatus(both.getString("clientId"), "guess-" + i)).isIn(401, 429);
    }
    browser.driver.navigate().refresh(); // the badge is read at log-in and every 15 s: at once here
    browser.waitUntil("the badge counts the alert", () -> {
      org.openqa.selenium.WebElement badge = browser.driver.findElement(By.id("alerts-badge"));
      return badge.isDisplayed() && badge.getText().equals("1");
    });
    go("alerts");
    String alertRow = "#alerts-table tr[data-rule='tokenFailures'][data-acknowledged='false']";
    String text = browser.waitFor(By.cssSelector(alertRow)).getText();
    assertThat(text).contains("Repeated failed sign-ins").contains(both.getString("name")).contains("20 sign-ins")
        .doesNotContain("guess-");
    browser.screenshots("alerts");
    browser.driver.findElement(By.cssSelector(alertRow + " button[data-action='acknowledge']")).click();
    browser.waitFor(By.cssSelector("#alerts-table tr[data-rule='tokenFailures'][data-acknowledged='true']"));
    assertThat(browser.driver.findElement(By.cssSelector("#alerts-table tr[data-rule='tokenFailures']")).getText())
        .contains("Acknowledged by " + demo.user(0).getString("username"));
    browser.waitUntil("the badge is gone", () -> !browser.driver.findElement(By.id("alerts-badge")).isDisplayed());
    browser.driver.findElement(By.id("alerts-open-only")).click();
    browser.waitFor(By.cssSelector("#alerts-list [data-role='no-alerts']"));
  }

  @Test
  @Order(10)
  void rotatingTheAgentKeyShowsTheNewKeyOnceAndTheAgentGoesOffline() throws Exception {
    go("security");
    browser.driver.findElement(By.id("rotate-key")).click();
    browser.waitFor(By.id("confirm"));
    browser.driver.findElement(By.id("confirm-ok")).click();
    String key = browser.waitFor(By.id("new-key-value")).getText();
    assertThat(key).startsWith("pmsa_");
    assertThat(browser.driver.findElement(By.id("new-key")).getText()).contains("agent.json").contains("Restart");
    browser.screenshots("security");
    browser.waitUntil("the agent shows offline (its key no longer works)",
        () -> browser.driver.findElement(By.id("agent-status")).getText().equals("Offline"));
    HttpResponse<String> offline = demo.query(demo.token(own), demo.practiceId(0), "SELECT TOP 1 PatientId FROM dbo.Patients");
    assertThat(offline.statusCode()).isEqualTo(503);
    go("integrations");
    go("security");
    assertThat(browser.driver.findElement(By.id("new-key")).isDisplayed()).as("the key is shown once").isFalse();
  }

  @Test
  @Order(11)
  void noContentSecurityPolicyViolationsAndLogOutEndsTheSession() throws Exception {
    assertThat(browser.consoleMessages()).noneMatch(m -> m.getMessage().contains("Content Security Policy")
        || m.getMessage().contains("Content-Security-Policy"));
    HttpResponse<String> page = demo.get("/console/");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.body()).doesNotContain("<script>").doesNotContain(" style=").doesNotContain(" onclick=");
    assertThat(demo.get("/console/js/").statusCode()).as("no directory listing").isEqualTo(404);

    browser.driver.findElement(By.id("logout")).click();
    browser.waitFor(By.id("login-form"));
    assertThat(browser.fetch("GET", "api/session", null, null)).startsWith("401 ");
  }
}
