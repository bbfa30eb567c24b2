package com.pmsrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar in demo mode, as a newcomer runs it: it prints a curl example, and that example,
 * pasted into a shell, returns patients. Also: no mode prints the usage.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoJarIT {
  @TempDir Path dir;

  static Path jar() {
    Path jar = Path.of(System.getProperty("pmsrelay.jar", "target/pms-relay.jar"));
    assertThat(jar).as("the packaged jar (mvn verify builds it)").exists();
    return jar;
  }

  @Test
  void printedCurlExampleReturnsPatients() throws Exception {
    Process demo = new ProcessBuilder("java", "-jar", jar().toString(), "demo", "--port", "0", "--data-dir", dir.toString())
        .redirectError(dir.resolve("demo.log").toFile())
        .start();
    try {
      String curl = readCurlExample(demo);
      Process shell = new ProcessBuilder("bash", "-c", curl).redirectErrorStream(true).start();
      String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
      JsonObject answer = new JsonObject(output.trim());
      assertThat(answer.getString("status")).as(output).isEqualTo("succeeded");
      assertThat(answer.getJsonArray("rows")).hasSize(5);
      assertThat(answer.getJsonArray("columns").getJsonObject(1).getString("name")).isEqualTo("FirstName");

      JsonObject credentials = new JsonObject(Files.readString(dir.resolve("credentials.json")));
      assertThat(credentials.getJsonArray("practices")).hasSize(2);
      assertThat(credentials.getJsonArray("integrators")).hasSize(3);
      assertThat(credentials.getJsonArray("consoleUsers")).hasSize(2);
      assertThat(credentials.getString("consoleUrl")).endsWith("/console/");
    } finally {
      demo.destroy();
      if (!demo.waitFor(20, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
  }

  @Test
  void noModePrintsUsage() throws Exception {
    Process p = new ProcessBuilder("java", "-jar", jar().toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(output).contains("usage: java -jar pms-relay.jar <mode>").contains("cloud").contains("agent").contains("demo");
  }

  @Test
  void invalidConfigNamesTheKey() throws Exception {
    Path config = dir.resolve("bad.json");
    Files.writeString(config, "{\"http\": {\"port\": 70000}}");
    Process p = new ProcessBuilder("java", "-jar", jar().toString(), "cloud", "--config", config.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(output).contains("http.port");
  }

  /** Reads the demo's standard output until the line after the curl marker. */
  private static String readCurlExample(Process demo) throws Exception {
    CompletableFuture<String> curl = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        boolean next = false;
        while ((line = out.readLine()) != null) {
          if (next) {
            return line;
          }
          next = line.startsWith(DemoBanner.CURL_MARKER);
        }
        throw new IllegalStateException("the demo ended without printing a curl example");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return curl.get(120, TimeUnit.SECONDS);
  }
}
