package com.pmsrelay.registered;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered queries and webhooks together, as shipped: the cloud announces through its own
 * webhook outbox to a real HTTP receiver on loopback. One signed delivery per change, not per run;
 * the body names the registration and the result, never practice data; the rows are fetched with
 * the integrator's token.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegisteredWebhookTest {
  private static final String SQL = "SELECT AppointmentId, PatientName FROM dbo.Appointments ORDER BY AppointmentId";

  record Delivery(MultiMap headers, Buffer body) {}

  @TempDir
  Path dir;
  RegisteredRelay relay;
  HttpServer receiver;
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    relay = new RegisteredRelay(dir, true);
    receiver = relay.cloudVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      deliveries.add(new Delivery(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      request.response().setStatusCode(204).end();
    }));
    receiver.listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    receiver.close().await();
    relay.close();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static boolean signedBy(String secret, Delivery d) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((d.headers().get("X-Relay-Timestamp") + ".").getBytes(StandardCharsets.US_ASCII));
    return ("sha256=" + HexFormat.of().formatHex(mac.doFinal(d.body().getBytes())))
        .equals(d.headers().get("X-Relay-Signature-256"));
  }

  @Test
  void eachChangeIsOneSignedDeliveryAndTheRowsAreFetchedWithTheToken() throws Exception {
    String token = relay.token(relay.first);
    var set = relay.put(token, "/v1/webhook",
        new JsonObject().put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks"));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    String secret = set.bodyAsJsonObject().getString("secret");
    com.pmsrelay.logs.TestSecrets.record("webhook secret", secret);
    String id = relay.register(token, new JsonObject().put("sql", SQL).put("everySeconds", 1)).bodyAsJsonObject()
        .getString("registrationId");

    await("the first delivery", () -> deliveries.size() == 1);
    Delivery first = deliveries.get(0);
    assertThat(signedBy(secret, first)).isTrue();
    JsonObject body = first.body().toJsonObject();
    assertThat(body.getString("registrationId")).isEqualTo(id);
    assertThat(first.body().toString()).as("no practice data in a delivery").doesNotContain("Mai Nguyen");
    JsonArray rows = relay.get(token, "/v1/queries/" + body.getString("resultId") + "/results").bodyAsJsonObject()
        .getJsonArray("rows");
    assertThat(rows).hasSize(2);

    long runs = relay.agent.registered().runs();
    await("three more runs", () -> relay.agent.registered().runs() >= runs + 3);
    Thread.sleep(500); // a delivery would be on its way by now
    assertThat(deliveries).as("runs without a change deliver nothing").hasSize(1);

    relay.execute("INSERT INTO dbo.Appointments VALUES (3, 'Ana Lima')");
    await("the second delivery", () -> deliveries.size() == 2);
    Delivery second = deliveries.get(1);
    assertThat(signedBy(secret, second)).isTrue();
    String resultId = second.body().toJsonObject().getString("resultId");
    assertThat(resultId).isNotEqualTo(body.getString("resultId"));
    assertThat(relay.get(token, "/v1/queries/" + resultId + "/results").bodyAsJsonObject().getJsonArray("rows"))
        .hasSize(3);
    long after = relay.agent.registered().runs();
    await("two more runs", () -> relay.agent.registered().runs() >= after + 2);
    Thread.sleep(500);
    assertThat(deliveries).as("exactly one delivery per change").hasSize(2);
    assertThat(relay.notices).as("nothing went to the test's recorder").isEmpty();
  }
}
