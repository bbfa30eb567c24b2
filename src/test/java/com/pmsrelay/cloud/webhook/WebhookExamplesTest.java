package com.pmsrelay.cloud.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature verification examples of docs/webhooks.md, run as integrators would run them
 * ({@code java Verify.java}, {@code node verify.mjs}, {@code python3 verify.py}) against a real
 * delivery a loopback receiver captured from a cloud node: the delivery as sent verifies (exit 0);
 * a body changed by one character, a stale timestamp (signed correctly, but 10 minutes old) and
 * another secret do not (exit 1). A missing runtime fails the test under {@code CI=true} and skips
 * it elsewhere, saying which.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookExamplesTest {
  static final Path EXAMPLES = Path.of("docs", "examples", "webhooks");

  @TempDir static Path dir;
  static Vertx vertx;
  static CloudNode cloud;
  static String secret;
  static Receiver.Received delivery;

  @BeforeAll
  static void captureARealDelivery() {
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
    json.getJsonObject("webhooks").put("allowLoopback", true).put("pollMs", 50);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    IntegratorStore.Created created = cloud.integrators().create("Examples", null).await();
    WebClient web = WebClient.create(vertx);
    try (Receiver receiver = Receiver.answering(vertx, 200)) {
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
          .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
      String token = web.post(cloud.httpPort(), "127.0.0.1", "/v1/token").sendForm(form).await().bodyAsJsonObject()
          .getString("access_token");
      secret = web.put(cloud.httpPort(), "127.0.0.1", "/v1/webhook").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("url", receiver.url())).await().bodyAsJsonObject().getString("secret");
      com.pmsrelay.logs.TestSecrets.record("webhook secret", secret);
      cloud.changeNotices().announce(created.clientId(), "reg-examples", "3f1c1a52-0000-4000-8000-0000000000e1",
          Instant.now()).await();
      WebhookDeliveryTest.awaitTrue(() -> !receiver.delivered().isEmpty(), "a delivery");
      delivery = receiver.delivered().get(0);
    } finally {
      web.close();
    }
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.stop().await();
    }
    vertx.close().await();
  }

  @Test
  void java() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    check(List.of(javaBin, EXAMPLES.resolve("Verify.java").toString()), javaBin);
  }

  @Test
  void node() throws Exception {
    check(List.of("node", EXAMPLES.resolve("verify.mjs").toString()), "node");
  }

  @Test
  void python() throws Exception {
    check(List.of("python3", EXAMPLES.resolve("verify.py").toString()), "python3");
  }

  private void check(List<String> command, String runtime) throws Exception {
    requireRuntime(runtime);
    String timestamp = delivery.headers().get("X-Relay-Timestamp");
    String signature = delivery.headers().get("X-Relay-Signature-256");
    byte[] body = delivery.body().getBytes();

    assertThat(run(command, secret, timestamp, signature, body, false)).as("the delivery as sent, body on stdin").isZero();
    assertThat(run(command, secret, timestamp, signature, body, true)).as("the delivery as sent, body in a file").isZero();
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("reg-examples", "reg-examplez")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(tampered).isNotEqualTo(body);
    assertThat(run(command, secret, timestamp, signature, tampered, false)).as("a tampered body").isEqualTo(1);
    String stale = Long.toString(Long.parseLong(timestamp) - 600);
    String staleSignature = "sha256=" + WebhookDeliveryTest.hmacHex(secret, stale + "." + delivery.body());
    assertThat(run(command, secret, stale, staleSignature, body, false)).as("a stale timestamp, signed right").isEqualTo(1);
    assertThat(run(command, secret, stale, signature, body, false)).as("another timestamp").isEqualTo(1);
    assertThat(run(command, WebhookSignature.newSecret(), timestamp, signature, body, false)).as("another secret")
        .isEqualTo(1);
  }

  private static int run(List<String> command, String secret, String timestamp, String signature, byte[] body,
      boolean asFile) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(command);
    args.add(timestamp);
    args.add(signature);
    Path file = null;
    if (asFile) {
      file = Files.createTempFile(dir, "body", ".json");
      Files.write(file, body);
      args.add(file.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true);
    builder.environment().put("WEBHOOK_SECRET", secret);
    Process process = builder.start();
    if (!asFile) {
      process.getOutputStream().write(body);
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    int exit = process.exitValue();
    assertThat(output.trim()).as("%s says", command).isEqualTo(exit == 0 ? "valid" : "INVALID");
    return exit;
  }

  private static void requireRuntime(String runtime) {
    boolean present;
    try {
      Process p = new ProcessBuilder(runtime, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    if (!present) {
      String why = runtime + " is not installed here: the webhook verification example for it cannot run";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true: " + why);
      }
      Assumptions.abort(why + " (skipped; it must run where CI=true)");
    }
  }
}
