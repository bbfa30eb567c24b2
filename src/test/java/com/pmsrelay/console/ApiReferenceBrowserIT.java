package com.pmsrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The API reference page of the packaged jar's demo, in headless Chromium: Swagger UI from its
 * WebJar renders {@code /v1/openapi.json} at {@code /docs/}, listing every operation the
 * description has, under the console's Content-Security-Policy without a violation.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiReferenceBrowserIT {
  static Path dir;
  static DemoJar demo;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    dir = Files.createTempDirectory("reference-it");
    demo = DemoJar.start(dir);
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

  @Test
  void thePageRendersEveryOperationOfTheDescriptionWithoutAContentSecurityPolicyViolation() throws Exception {
    JsonObject description = new JsonObject(demo.get("/v1/openapi.json").body());
    Set<String> described = new TreeSet<>();
    JsonObject paths = description.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (!method.equals("parameters")) {
          described.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }
    try {
      browser.driver.get(demo.base + "/docs/");
      assertThat(browser.waitFor(By.cssSelector(".information-container .title")).getText())
          .contains(description.getJsonObject("info").getString("title"));
      browser.waitUntil("every operation is listed", () -> operations().size() >= described.size());
      assertThat(operations()).as("the operations the page lists").isEqualTo(described);
      // An operation opens with its description, parameters and responses: the problem codes among them.
      WebElement submit = browser.driver.findElement(By.id("operations-Queries-submitQuery"));
      submit.findElement(By.cssSelector(".opblock-summary")).click();
      browser.waitUntil("the operation opens", () -> submit.getText().contains("queue_full"));
      browser.screenshots("api-reference");
    } catch (RuntimeException | AssertionError e) {
      browser.evidence("api-reference");
      throw e;
    }
    assertThat(browser.consoleMessages()).noneMatch(m -> m.getMessage().contains("Content Security Policy")
        || m.getMessage().contains("Content-Security-Policy"));
  }

  @Test
  void thePageHasTheConsolesSecurityHeadersNoInlineCodeAndNoDirectoryListing() throws Exception {
    HttpResponse<String> page = demo.get("/docs/");
    HttpResponse<String> console = demo.get("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent()
        .isEqualTo(console.headers().firstValue("Content-Security-Policy"));
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.body()).doesNotContain("<script>").doesNotContain(" style=").doesNotContain(" onclick=");
    assertThat(demo.get("/docs").statusCode()).as("redirected to /docs/").isEqualTo(302);
    assertThat(demo.get("/docs/lib/swagger-ui/").statusCode()).as("no directory listing").isEqualTo(404);
    HttpResponse<String> bundle = demo.get("/docs/lib/swagger-ui/swagger-ui-bundle.js");
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.headers().firstValue("Cache-Control").orElse("")).contains("max-age=86400");
  }

  /** "METHOD /path" of every operation Swagger UI lists. */
  private static Set<String> operations() {
    Set<String> out = new TreeSet<>();
    List<WebElement> blocks = browser.driver.findElements(By.cssSelector(".opblock"));
    for (WebElement block : blocks) {
      String method = block.findElement(By.cssSelector(".opblock-summary-method")).getText().trim();
      String path = block.findElement(By.cssSelector(".opblock-summary-path")).getAttribute("data-path");
      out.add(method + " " + path);
    }
    return out;
  }
}
