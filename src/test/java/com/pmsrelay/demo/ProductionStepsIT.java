package com.pmsrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's production steps, in their order, each a {@code java -jar} process of its own against
 * the real jar: the cloud started once (HTTPS on the API, its embedded H2 store, a generated bridge
 * certificate), then while it runs {@code admin bridge fingerprint}, {@code admin practice create},
 * an agent configured with the practice id, agent key and pin and started, {@code admin integrator
 * create}, {@code admin grant … --max-rows 3}; then the integrator gets a token and a query runs
 * through the agent, held to the grant's cap.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProductionStepsIT {
  @TempDir Path dir;
  private final List<Process> running = new ArrayList<>();

  record Run(int status, String out, String err) {}

  private Run admin(Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", DemoJarIT.jar().toString(), "admin", "--config",
        config.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "admin", ".out");
    Path err = Files.createTempFile(dir, "admin", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    assertThat(run.status()).as("admin " + String.join(" ", args) + ": " + run.err()).isZero();
    return run;
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex + " in " + text).isTrue();
    return m.group(1);
  }

  /** Starts a mode and reads its output until {@code ready} matches a line: the match. */
  private Matcher start(String name, Pattern ready, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", DemoJarIT.jar().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    running.add(p);
    StringBuilder log = new StringBuilder();
    return CompletableFuture.supplyAsync(() -> {
      // Not closed here: once the line is found, the drain thread reads on (a close would wait for its read).
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          log.append(line).append('\n');
          Matcher m = ready.matcher(line);
          if (m.find()) {
            // keep draining, so the process never blocks on a full pipe
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain-" + name);
            drain.setDaemon(true);
            drain.start();
            com.pmsrelay.logs.TestLogs.keep("production-" + name, log.toString());
            return m;
          }
        }
        throw new IllegalStateException(name + " ended without starting:\n" + log);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(150, TimeUnit.SECONDS);
  }

  @Test
  void theReadmesProductionStepsInTheirOrder() throws Exception {
    try {
      io.vertx.core.net.SelfSignedCertificate api = io.vertx.core.net.SelfSignedCertificate.create("localhost");
      Path cloudConfig = dir.resolve("cloud.json");
      Files.writeString(cloudConfig, new JsonObject().put("dataDir", dir.resolve("cloud").toString())
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1)
              .put("tls", new JsonObject().put("certPath", api.certificatePath()).put("keyPath", api.privateKeyPath())))
          .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
          .put("management", new JsonObject().put("host", "127.0.0.1").put("port", 0)).encode());

      // 1. the cloud's first start
      Matcher up = start("cloud", Pattern.compile("up: API on port (\\d+), agent bridge on port (\\d+)"), "cloud", "--config",
          cloudConfig.toString());
      int apiPort = Integer.parseInt(up.group(1));
      int bridgePort = Integer.parseInt(up.group(2));

      // 2. the fingerprint agents pin
      String pin = admin(cloudConfig, "bridge", "fingerprint").out().strip();
      assertThat(pin).matches("[0-9a-f]{64}");

      // 3. the practice, with its agent key
      Run practice = admin(cloudConfig, "--verbose", "practice", "create", "Seaview Clinic");
      assertThat(practice.err()).as("through the running cloud's operator API").contains("ran in the cloud at");
      String practiceId = find(practice.out(), "practice\\s+([0-9a-f-]{36})");
      String agentKey = find(practice.out(), "agent key (pmsa_\\S+)");
      com.pmsrelay.logs.TestSecrets.record("agent key", agentKey);

      // 4. the agent's config; 5. the agent
      Path agentConfig = dir.resolve("agent.json");
      Files.writeString(agentConfig, new JsonObject().put("practiceId", practiceId).put("agentKey", agentKey)
          .put("cloud", new JsonObject().put("host", "127.0.0.1").put("port", bridgePort)
              .put("tls", new JsonObject().put("pinnedSha256", pin)))
          .put("registered", new JsonObject().put("dir", dir.resolve("agent-registered").toString()))
          // Not in the README's steps: other tests' agents run beside this one, and 9464 is the default.
          .put("management", new JsonObject().put("port", 0))
          .put("pms", new JsonObject().put("kind", "demo").put("product", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
              .put("demo", new JsonObject().put("dir", dir.resolve("pms").toString()).put("patients", 50))).encode());
      start("agent", Pattern.compile("connected to the cloud as the agent"), "agent", "--config", agentConfig.toString());
      long deadline = System.currentTimeMillis() + 60_000;
      String agents;
      while (!(agents = admin(cloudConfig, "agents").out()).contains("online") && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertThat(agents).contains(practiceId).contains("online");

      // 6. the integrator; 7. its grant
      Run integrator = admin(cloudConfig, "integrator", "create", "Booking Co");
      String clientId = find(integrator.out(), "client id\\s+(cli_\\S+)");
      String secret = find(integrator.out(), "client secret (pmss_\\S+)");
      com.pmsrelay.logs.TestSecrets.record("client secret", secret);
      admin(cloudConfig, "grant", practiceId, clientId, "enabled", "--max-rows", "3");

      // The integrator's first query, over HTTPS, through the agent.
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      try (java.io.InputStream in = Files.newInputStream(Path.of(api.certificatePath()))) {
        trust.setCertificateEntry("api", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      javax.net.ssl.TrustManagerFactory managers =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      managers.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, managers.getTrustManagers(), null);
      HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
      String base = "https://localhost:" + apiPort;
      HttpResponse<String> tokenAnswer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId
              + "&client_secret=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(tokenAnswer.statusCode()).as(tokenAnswer.body()).isEqualTo(200);
      String token = new JsonObject(tokenAnswer.body()).getString("access_token");
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/practices/" + practiceId + "/queries"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
              .put("sql", "SELECT PatientId FROM Patients ORDER BY PatientId").encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonObject result = new JsonObject(answer.body());
      assertThat(result.getJsonArray("rows")).hasSize(3);
      assertThat(result.getBoolean("truncated")).isTrue();
    } finally {
      for (Process p : running) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
