package com.pmsrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      String[] examples = readCurlExample(demo).split("\n");
      String curl = examples[0];
      Process shell = new ProcessBuilder("bash", "-c", curl).redirectErrorStream(true).start();
      String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
      JsonObject answer = new JsonObject(output.trim());
      assertThat(answer.getString("status")).as(output).isEqualTo("succeeded");
      assertThat(answer.getJsonArray("rows")).hasSize(5);
      assertThat(answer.getJsonArray("columns").getJsonObject(1).getString("name")).isEqualTo("FirstName");

      // The banner's next example, pasted into the same shell: the tables the integrator may read.
      Process schemaShell = new ProcessBuilder("bash", "-c", curl + " > /dev/null && " + examples[1])
          .redirectErrorStream(true).start();
      String schemaOutput = new String(schemaShell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(schemaShell.waitFor(60, TimeUnit.SECONDS)).isTrue();
      JsonObject schema = new JsonObject(schemaOutput.trim());
      assertThat(schema.getString("catalogue")).as(schemaOutput).isEqualTo("DemoPMS");
      assertThat(schema.getJsonArray("tables").getJsonObject(0).getString("name")).isEqualTo("dbo.ActivePatients");

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
      com.pmsrelay.logs.TestLogs.keep("demo-jar", dir.resolve("demo.log"));
    }
  }

  /**
   * API.md's streaming, async and idempotency sections, held to the jar as an integrator meets
   * them: NDJSON with its columns and end lines, an async query from 202 to its pages and its
   * NDJSON, and an idempotency key answered twice with one query id.
   */
  @Test
  void streamingAsyncAndIdempotencyWorkAsApiMdSays() throws Exception {
    Process demo = new ProcessBuilder("java", "-jar", jar().toString(), "demo", "--port", "0", "--data-dir", dir.toString())
        .redirectError(dir.resolve("demo.log").toFile())
        .start();
    try {
      readCurlExample(demo);
      JsonObject credentials = new JsonObject(Files.readString(dir.resolve("credentials.json")));
      String base = credentials.getString("apiBaseUrl");
      JsonObject integrator = credentials.getJsonArray("integrators").getJsonObject(0);
      String practice = integrator.getJsonArray("enabledAt").getString(0);
      HttpClient http = HttpClient.newHttpClient();
      String token = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
              + integrator.getString("clientId") + "&client_secret=" + integrator.getString("clientSecret")))
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("access_token");
      URI queries = URI.create(base + "/v1/practices/" + practice + "/queries");

      HttpResponse<String> ndjson = http.send(post(queries, token, "application/x-ndjson",
          new JsonObject().put("sql", "SELECT PatientId, Surname FROM Patients ORDER BY PatientId")), HttpResponse.BodyHandlers.ofString());
      assertThat(ndjson.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
      String[] lines = ndjson.body().split("\n");
      assertThat(new JsonObject(lines[0]).getJsonArray("columns").getJsonObject(1).getString("name")).isEqualTo("Surname");
      JsonObject end = new JsonObject(lines[lines.length - 1]);
      assertThat(end.getBoolean("end")).isTrue();
      assertThat(end.getLong("rowCount")).isEqualTo(lines.length - 2L).isGreaterThan(100);

      HttpResponse<String> accepted = http.send(post(queries, token, "application/json", new JsonObject()
          .put("sql", "SELECT AppointmentId, StartsAt FROM Appointments ORDER BY AppointmentId").put("mode", "async")
          .put("maxRows", 250)), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      String location = accepted.headers().firstValue("Location").orElseThrow();
      JsonObject status = new JsonObject();
      for (int i = 0; i < 300 && !"succeeded".equals(status.getString("status")); i++) {
        Thread.sleep(100);
        status = new JsonObject(http.send(get(URI.create(base + location), token, "application/json"),
            HttpResponse.BodyHandlers.ofString()).body());
      }
      assertThat(status.getString("status")).as(status.encode()).isEqualTo("succeeded");
      assertThat(status.getLong("rowCount")).isEqualTo(250L);
      JsonObject page = new JsonObject(http.send(get(URI.create(base + location + "/results?offset=200&limit=100"), token,
          "application/json"), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(page.getJsonArray("rows")).hasSize(50);
      assertThat(page.getValue("nextOffset")).isNull();
      String all = http.send(get(URI.create(base + location + "/results"), token, "application/x-ndjson"),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(all.split("\n")).hasSize(252);

      JsonObject keyed = new JsonObject().put("sql", "SELECT TOP 3 PatientId FROM Patients ORDER BY PatientId")
          .put("idempotencyKey", "demo-jar-" + System.nanoTime());
      JsonObject first = new JsonObject(http.send(post(queries, token, "application/json", keyed),
          HttpResponse.BodyHandlers.ofString()).body());
      JsonObject again = new JsonObject(http.send(post(queries, token, "application/json", keyed),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(again.getString("queryId")).isEqualTo(first.getString("queryId"));
      assertThat(again.getJsonArray("rows")).isEqualTo(first.getJsonArray("rows"));
    } finally {
      demo.destroy();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
      com.pmsrelay.logs.TestLogs.keep("demo-jar", dir.resolve("demo.log"));
    }
  }

  private static HttpRequest post(URI uri, String token, String accept, JsonObject body) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).header("Accept", accept)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
  }

  private static HttpRequest get(URI uri, String token, String accept) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).header("Accept", accept).GET().build();
  }

  @Test
  void noModePrintsUsage() throws Exception {
    Process p = new ProcessBuilder("java", "-jar", jar().toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(output).contains("Usage: java -jar pms-relay.jar <command>").contains("cloud").contains("agent").contains("demo");
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

  /**
   * The cloud mode as the README's production steps start it: without TLS on the API (nor the
   * proxy switch) it refuses to start, naming the keys; with PEM files it serves HTTPS only, with
   * HSTS, and says so in its log.
   */
  @Test
  void theCloudModeNeedsTlsAndServesTheApiOverIt() throws Exception {
    Path plain = dir.resolve("plain.json");
    Files.writeString(plain, new JsonObject().put("dataDir", dir.resolve("plain").toString()).encode());
    Process refused = new ProcessBuilder("java", "-jar", jar().toString(), "cloud", "--config", plain.toString())
        .redirectErrorStream(true).start();
    String said = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isEqualTo(2);
    assertThat(said).contains("http.tls.certPath").contains("http.tls.behindProxy");

    io.vertx.core.net.SelfSignedCertificate pair = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    Path config = dir.resolve("tls.json");
    Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("cloud").toString())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1)
            .put("tls", new JsonObject().put("certPath", pair.certificatePath()).put("keyPath", pair.privateKeyPath())))
        .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
        .put("management", new JsonObject().put("port", 0))
        .put("logging", new JsonObject().put("dir", dir.resolve("cloud-logs").toString())).encode());
    // JSON lines, as a log shipper would ask for them
    ProcessBuilder start = new ProcessBuilder("java", "-jar", jar().toString(), "cloud", "--config", config.toString())
        .redirectErrorStream(true);
    start.environment().put("PMSRELAY_LOGGING_FORMAT", "json");
    Process cloud = start.start();
    StringBuilder log = new StringBuilder();
    try {
      java.util.regex.Matcher up = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(cloud.getInputStream(), StandardCharsets.UTF_8))) {
          java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("up: API on port (\\d+)");
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            log.append(line).append('\n');
            java.util.regex.Matcher m = pattern.matcher(line);
            if (m.find()) {
              return m;
            }
          }
          throw new IllegalStateException("the cloud ended without starting:\n" + log);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(120, TimeUnit.SECONDS);
      assertThat(log).contains("API over HTTPS");
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      try (java.io.InputStream in = Files.newInputStream(Path.of(pair.certificatePath()))) {
        trust.setCertificateEntry("api", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      javax.net.ssl.TrustManagerFactory trustManagers =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, trustManagers.getTrustManagers(), null);
      HttpResponse<String> health = HttpClient.newBuilder().sslContext(tls).build().send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + up.group(1) + "/health")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
      // Once the configuration is read, one JSON object a line, on standard error and in the rolling file;
      // no library notice that calls for nothing (Flyway's untested-H2 warning is at DEBUG).
      String[] lines = log.toString().split("\n");
      String fromNowOn = log.substring(log.lastIndexOf("\n", log.indexOf("logging to ")) + 1);
      assertThat(fromNowOn.lines().filter(l -> !l.isBlank()))
          .allSatisfy(l -> assertThat(new JsonObject(l).getString("formattedMessage")).isNotNull());
      assertThat(lines).noneMatch(l -> l.contains("Flyway has been verified with"));
      Path file = dir.resolve("cloud-logs").resolve("pms-relay-cloud.log");
      assertThat(file).exists();
      List<String> written = Files.readAllLines(file);
      assertThat(written).anySatisfy(l -> assertThat(new JsonObject(l).getString("formattedMessage")).contains("up: API on port"));
    } finally {
      cloud.destroy();
      if (!cloud.waitFor(30, TimeUnit.SECONDS)) {
        cloud.destroyForcibly();
      }
      com.pmsrelay.logs.TestLogs.keep("cloud-jar", log.toString());
    }
  }

  /**
   * Reads the demo's standard output until the line after the curl marker, and the example after
   * it (the schema request): the two, a line each.
   */
  static String readCurlExample(Process demo) throws Exception {
    CompletableFuture<String> curl = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        boolean next = false;
        String first = null;
        while ((line = out.readLine()) != null) {
          if (first != null && line.startsWith("curl ")) {
            return first + "\n" + line;
          }
          if (next) {
            first = line;
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
