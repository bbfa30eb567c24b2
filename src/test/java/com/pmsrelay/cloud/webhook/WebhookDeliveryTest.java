package com.pmsrelay.cloud.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Webhooks end to end on one cloud node (H2 store) with its real HTTP API, and receivers that are
 * real HTTP servers on loopback: setting, reading, rotating and deleting the webhook; a delivery's
 * headers and signature (computed here independently); retries in order after failures; a receiver
 * that never answers does not hold up another integrator's; giving up after the maximum age; the
 * secret in no GET, log line or audit record. Notices come in through {@link ChangeNotices}, as
 * registered queries announce them. The node allows loopback URLs (as the demo does) and retries
 * within milliseconds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebhookDeliveryTest {
  /** A receiver that never answers is cut after this long. */
  static final long REQUEST_TIMEOUT_MS = 3_000;
  static final long MAX_AGE_MS = 5_000;

  @TempDir static Path dir;
  static Vertx vertx;
  static Vertx receivers;
  static CloudNode cloud;
  static WebClient http;
  static final List<String> logLines = new CopyOnWriteArrayList<>();
  static AppenderBase<ILoggingEvent> logs;

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        logLines.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage()));
      }
    };
    logs.setContext(root.getLoggerContext());
    logs.start();
    root.addAppender(logs);
    // Everything at DEBUG from the webhook package: the retries' lines too must not carry a secret.
    ((Logger) LoggerFactory.getLogger("com.pmsrelay.cloud.webhook")).setLevel(ch.qos.logback.classic.Level.DEBUG);
    vertx = Vertx.vertx();
    receivers = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
    json.getJsonObject("webhooks").put("allowLoopback", true).put("requestTimeoutMs", REQUEST_TIMEOUT_MS)
        .put("backoffBaseMs", 20).put("backoffMaxMs", 150).put("maxAgeMs", MAX_AGE_MS).put("pollMs", 50)
        .put("concurrency", 8).put("perIntegrator", 2);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    http = com.pmsrelay.contract.ApiExchanges.recording(WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort())));
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (cloud != null) {
      cloud.stop().await();
    }
    vertx.close().await();
    receivers.close().await();
  }

  // ---- the endpoint ----

  @Test
  void setReadRotateAndDeleteTheWebhookAndTheSecretIsShownOnceOnly() {
    Integrator it = integrator("Set Read Rotate");
    try (Receiver receiver = Receiver.answering(receivers, 204)) {
      HttpResponse<Buffer> set = it.put(new JsonObject().put("url", receiver.url()));
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(set.getHeader("Cache-Control")).isEqualTo("no-store");
      JsonObject first = set.bodyAsJsonObject();
      assertThat(first.fieldNames()).containsExactlyInAnyOrder("url", "secret", "createdAt", "secretSetAt");
      assertThat(first.getString("url")).isEqualTo(receiver.url());
      assertThat(first.getString("secret")).startsWith("whsec_").hasSize(6 + 43);
      com.pmsrelay.logs.TestSecrets.record("webhook secret", first.getString("secret"));

      HttpResponse<Buffer> read = it.get("/v1/webhook");
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("url", "createdAt", "secretSetAt");
      assertThat(read.bodyAsString()).doesNotContain(first.getString("secret"));

      HttpResponse<Buffer> rotated = it.put(new JsonObject().put("url", receiver.url()));
      assertThat(rotated.statusCode()).isEqualTo(200);
      String second = rotated.bodyAsJsonObject().getString("secret");
      com.pmsrelay.logs.TestSecrets.record("webhook secret", second);
      assertThat(second).isNotEqualTo(first.getString("secret"));
      assertThat(rotated.bodyAsJsonObject().getString("createdAt")).isEqualTo(first.getString("createdAt"));
      assertThat(Instant.parse(rotated.bodyAsJsonObject().getString("secretSetAt")))
          .isAfterOrEqualTo(Instant.parse(first.getString("secretSetAt")));

      // The rotated secret signs from now on; the old one signs nothing.
      announce(it, "reg-rotate", "res-1");
      awaitTrue(() -> receiver.delivered().size() == 1, "the delivery after the rotation");
      Receiver.Received got = receiver.delivered().get(0);
      assertThat(verifies(second, got)).isTrue();
      assertThat(verifies(first.getString("secret"), got)).isFalse();

      awaitTrue(() -> auditOf(it.clientId).size() >= 2, "the set and the rotation audited");
      List<AuditRecord> audit = auditOf(it.clientId);
      assertThat(audit).extracting(AuditRecord::action).contains("webhook.set", "webhook.rotate");
      for (AuditRecord r : audit) {
        assertThat(r.detail()).doesNotContain(first.getString("secret")).doesNotContain(second)
            .doesNotContain("source=test");
      }

      HttpResponse<Buffer> deleted = it.delete("/v1/webhook");
      assertThat(deleted.statusCode()).isEqualTo(204);
      assertProblem(it.get("/v1/webhook"), 404, "webhook_not_set");
      assertProblem(it.delete("/v1/webhook"), 404, "webhook_not_set");
      // The audit log batches its appends: the record is committed shortly after the answer.
      awaitTrue(() -> auditOf(it.clientId).stream().anyMatch(r -> r.action().equals("webhook.delete")), "the delete audited");
      for (AuditRecord r : auditOf(it.clientId)) {
        assertThat(r.detail()).doesNotContain(first.getString("secret")).doesNotContain(second);
      }
      for (String line : logLines) {
        assertThat(line).doesNotContain(first.getString("secret")).doesNotContain(second);
      }
    }
  }

  @Test
  void badBodiesAndRefusedUrlsAreProblemsNotErrors() {
    Integrator it = integrator("Bad Bodies");
    assertProblem(it.put(new JsonObject().put("url", "https://hooks.example.com/").put("events", "all")), 400,
        "invalid_request");
    assertProblem(it.put(new JsonObject()), 400, "invalid_request");
    assertProblem(it.put(new JsonObject().put("url", 42)), 400, "invalid_request");
    assertProblem(http.put("/v1/webhook").putHeader("Authorization", "Bearer " + it.token)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"url\":")).await(), 400, "invalid_request");
    for (String url : List.of("https://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "https://2130706433/",
        "https://[::ffff:127.0.0.1]/", "http://127.0.0.2:80/", "https://user:pw@127.0.0.1/", "https://127.0.0.1/#x")) {
      HttpResponse<Buffer> r = it.put(new JsonObject().put("url", url));
      assertProblem(r, 400, "webhook_url_refused");
      assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("the webhook URL is refused: ");
    }
    assertProblem(it.get("/v1/webhook"), 404, "webhook_not_set");
    assertProblem(it.get("/v1/webhook/deliveries?limit=0"), 400, "invalid_request");
    assertProblem(it.get("/v1/webhook/deliveries?limit=x"), 400, "invalid_request");
    assertThat(http.get("/v1/webhook").send().await().statusCode()).isEqualTo(401);
  }

  // ---- deliveries ----

  @Test
  void aDeliveryIsSignedOverTheTimestampAndTheBodyAndCarriesNoPracticeData() {
    Integrator it = integrator("Signature");
    try (Receiver receiver = Receiver.answering(receivers, 200)) {
      String secret = it.setWebhook(receiver.url());
      Instant changedAt = Instant.parse("2026-12-03T09:15:00Z");
      cloud.changeNotices().announce(it.clientId, "reg-sig", "3f1c1a52-0000-4000-8000-00000000abcd", changedAt).await();
      awaitTrue(() -> receiver.delivered().size() == 1, "one delivery");
      Receiver.Received got = receiver.received.get(0);
      assertThat(got.method()).isEqualTo("POST");
      assertThat(got.path()).isEqualTo("/hooks/relay?source=test");
      assertThat(got.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(got.headers().get("User-Agent")).startsWith("pms-relay/");
      long timestamp = Long.parseLong(got.headers().get("X-Relay-Timestamp"));
      assertThat(Math.abs(timestamp - System.currentTimeMillis() / 1000)).isLessThanOrEqualTo(5);
      JsonObject body = got.json();
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "type", "registrationId", "resultId", "changedAt");
      assertThat(body.getString("type")).isEqualTo("registered_query.changed");
      assertThat(body.getString("registrationId")).isEqualTo("reg-sig");
      assertThat(body.getString("resultId")).isEqualTo("3f1c1a52-0000-4000-8000-00000000abcd");
      assertThat(body.getString("changedAt")).isEqualTo("2026-12-03T09:15:00Z");
      assertThat(got.headers().get("X-Relay-Id")).isEqualTo(body.getString("id"));
      assertThat(got.headers().get("X-Relay-Signature-256")).isEqualTo("sha256=" + hmacHex(secret, timestamp + "." + got.body()));
      assertThat(verifies(secret, got)).isTrue();
      // A changed byte of the body, or another timestamp, no longer matches the signature.
      Buffer tampered = Buffer.buffer(got.body().toString().replace("reg-sig", "reg-sih"));
      assertThat(got.headers().get("X-Relay-Signature-256")).isNotEqualTo("sha256=" + hmacHex(secret, timestamp + "." + tampered))
          .isNotEqualTo("sha256=" + hmacHex(secret, (timestamp - 1) + "." + got.body()));

      JsonObject listed = it.get("/v1/webhook/deliveries").bodyAsJsonObject();
      awaitTrue(() -> "delivered".equals(it.deliveries().getJsonObject(0).getString("state")), "recorded as delivered");
      JsonObject d = it.deliveries().getJsonObject(0);
      assertThat(listed.getJsonArray("deliveries")).hasSize(1);
      assertThat(d.getString("id")).isEqualTo(body.getString("id"));
      assertThat(d.getInteger("attempts")).isEqualTo(1);
      assertThat(d.getString("lastStatus")).isEqualTo("200");
      assertThat(d.getString("nextAttemptAt")).isNull();
      assertThat(d.getString("lastAttemptAt")).isNotNull();
    }
  }

  @Test
  void aReceiverThatFailsThreeTimesThenRecoversGetsEveryNoticeInOrderPerRegistration() {
    Integrator it = integrator("Recovering");
    try (Receiver receiver = Receiver.start(receivers, n -> n < 3 ? 503 : 200)) {
      it.setWebhook(receiver.url());
      for (int i = 1; i <= 4; i++) {
        announce(it, "reg-a", "a" + i);
        announce(it, "reg-b", "b" + i);
      }
      awaitTrue(() -> receiver.delivered().size() == 8, "all eight delivered");
      assertThat(receiver.received.stream().filter(r -> r.answered() == 503)).hasSize(3);
      for (String reg : List.of("reg-a", "reg-b")) {
        // Every request of a registration, failed or not: none of a later notice before an earlier one was delivered.
        List<String> sent = receiver.received.stream().map(Receiver.Received::json)
            .filter(b -> b.getString("registrationId").equals(reg)).map(b -> b.getString("resultId")).toList();
        List<String> collapsed = new ArrayList<>();
        for (String s : sent) {
          if (collapsed.isEmpty() || !collapsed.get(collapsed.size() - 1).equals(s)) {
            collapsed.add(s);
          }
        }
        String prefix = reg.substring(4);
        assertThat(collapsed).as("requests of %s in order, retries of one before the next", reg)
            .containsExactly(prefix + 1, prefix + 2, prefix + 3, prefix + 4);
      }
      awaitTrue(() -> it.deliveries().stream().allMatch(d -> "delivered".equals(((JsonObject) d).getString("state"))),
          "all recorded as delivered");
      int attempts = it.deliveries().stream().mapToInt(d -> ((JsonObject) d).getInteger("attempts")).sum();
      assertThat(attempts).isEqualTo(8 + 3);
      // The failures are visible where they happened.
      assertThat(it.deliveries().stream().map(d -> (JsonObject) d).filter(d -> d.getInteger("attempts") > 1))
          .isNotEmpty();
    }
  }

  @Test
  void aReceiverThatNeverAnswersDoesNotDelayAnotherIntegrator() {
    Integrator hostile = integrator("Never Answers");
    Integrator other = integrator("Answers");
    try (Receiver silent = Receiver.answering(receivers, Receiver.NEVER);
        Receiver prompt = Receiver.answering(receivers, 200)) {
      hostile.setWebhook(silent.url());
      other.setWebhook(prompt.url());
      for (int i = 0; i < 12; i++) { // more registrations than the node's whole concurrency
        announce(hostile, "reg-h" + i, "h" + i);
      }
      awaitTrue(() -> silent.received.size() >= 2, "the silent receiver holding its requests");
      long announced = System.currentTimeMillis();
      announce(other, "reg-o", "o1");
      awaitTrue(() -> prompt.delivered().size() == 1, "the other integrator's delivery");
      long took = System.currentTimeMillis() - announced;
      assertThat(took).as("ms to deliver beside a receiver that never answers").isLessThan(REQUEST_TIMEOUT_MS / 2);
      // The hostile receiver holds at most its own share of the node's slots.
      assertThat(silent.received.size()).isLessThanOrEqualTo(2);
      awaitTrue(() -> hostile.deliveries().stream().anyMatch(d -> "timeout".equals(((JsonObject) d).getString("lastStatus"))),
          "the silent receiver's attempts cut by the time-out");
    }
  }

  @Test
  void aNoticeNotDeliveredWithinTheMaximumAgeIsGivenUpAndShownFailed() {
    Integrator it = integrator("Gives Up");
    try (Receiver receiver = Receiver.answering(receivers, 500)) {
      it.setWebhook(receiver.url());
      announce(it, "reg-fail", "f1");
      announce(it, "reg-fail", "f2");
      awaitTrue(() -> it.deliveries().stream().allMatch(d -> "failed".equals(((JsonObject) d).getString("state"))),
          "both given up", MAX_AGE_MS * 3);
      for (Object o : it.deliveries()) {
        JsonObject d = (JsonObject) o;
        assertThat(d.getString("lastStatus")).isEqualTo("500");
        assertThat(d.getInteger("attempts")).isGreaterThanOrEqualTo(1);
        assertThat(d.getString("nextAttemptAt")).isNull();
        assertThat(Instant.parse(d.getString("lastAttemptAt")))
            .isBefore(Instant.parse(d.getString("createdAt")).plusMillis(MAX_AGE_MS + 1000));
      }
      // f2 waited for f1 to be given up: none of its requests came before f1's last.
      List<Receiver.Received> all = receiver.received;
      int lastF1 = -1;
      int firstF2 = Integer.MAX_VALUE;
      for (int i = 0; i < all.size(); i++) {
        String result = all.get(i).json().getString("resultId");
        if (result.equals("f1")) {
          lastF1 = i;
        } else if (firstF2 == Integer.MAX_VALUE) {
          firstF2 = i;
        }
      }
      assertThat(firstF2).isGreaterThan(lastF1);
    }
  }

  /**
   * A blocked integrator's notices, and those of a registration whose grant is not enabled, wait
   * unsent (they say a practice's data changed, to someone the practice or the relay has cut off):
   * they go, in order, once it is enabled again; held back past the maximum age they are given up
   * as failed, paused.
   */
  @Test
  void noticesOfABlockedIntegratorOrADisabledGrantWaitAndGoOnceEnabledOrAreGivenUp() {
    Integrator it = integrator("Paused");
    com.pmsrelay.cloud.store.PracticeStore.Created practice = cloud.practices().create("Paused Practice").await();
    String registration = java.util.UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    assertThat(cloud.registered().store().insert(new com.pmsrelay.cloud.store.RegisteredQuery(registration, it.clientId,
        practice.practiceId(), "SELECT 1", null, 0, null, 60, now + 3_600_000, now, null, null, null, null, 0, 0, null),
        10, now).await()).isTrue();
    try (Receiver receiver = Receiver.answering(receivers, 200)) {
      it.setWebhook(receiver.url());
      // The integrator blocked: nothing goes.
      cloud.integrators().setBlocked(it.clientId, true).await();
      announce(it, "reg-blocked", "b1");
      announce(it, "reg-blocked", "b2");
      sleep(600); // a dozen polls
      assertThat(receiver.received).isEmpty();
      cloud.integrators().setBlocked(it.clientId, false).await();
      awaitTrue(() -> receiver.delivered().size() == 2, "both sent once unblocked");
      assertThat(receiver.delivered().stream().map(r -> r.json().getString("resultId"))).containsExactly("b1", "b2");

      // The grant of the registration's practice disabled.
      setGrant(practice.practiceId(), it.clientId, GrantStatus.DISABLED);
      announce(it, registration, "g1");
      sleep(600);
      assertThat(receiver.delivered()).hasSize(2);
      setGrant(practice.practiceId(), it.clientId, GrantStatus.ENABLED);
      awaitTrue(() -> receiver.delivered().size() == 3, "sent once the grant is enabled");

      // Held back past the maximum age: given up, not sent later.
      setGrant(practice.practiceId(), it.clientId, GrantStatus.BLOCKED);
      announce(it, registration, "g2");
      sleep(300);
      long later = System.currentTimeMillis() + MAX_AGE_MS + 1_000;
      assertThat(cloud.webhooks().store().giveUpOlderThan(later - MAX_AGE_MS, later).await()).isEqualTo(1);
      setGrant(practice.practiceId(), it.clientId, GrantStatus.ENABLED);
      JsonObject given = it.deliveries().stream().map(d -> (JsonObject) d)
          .filter(d -> "g2".equals(d.getString("resultId"))).findFirst().orElseThrow();
      assertThat(given.getString("state")).isEqualTo("failed");
      assertThat(given.getString("lastStatus")).isEqualTo(WebhookStore.PAUSED);
      assertThat(given.getInteger("attempts")).isZero();
      sleep(600);
      assertThat(receiver.delivered()).hasSize(3);
    }
  }

  private static void setGrant(String practiceId, String clientId, GrantStatus status) {
    cloud.grants().put(new com.pmsrelay.cloud.store.Grant(practiceId, clientId, status, new JsonArray(), 10_000, 30_000,
        30_000, 600, 1)).await();
  }

  @Test
  void aRedirectIsNotFollowedAndAnEndlessAnswerIsCut() {
    Integrator redirected = integrator("Redirected");
    Integrator endless = integrator("Endless");
    List<String> elsewhere = new CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer target = receivers.createHttpServer()
        .requestHandler(r -> {
          elsewhere.add(r.uri());
          r.response().end();
        });
    target.listen(0, "127.0.0.1").await();
    // 302 to a receiver that would answer 200: not followed, the attempt failed with 302.
    io.vertx.core.http.HttpServer redirecting = receivers.createHttpServer()
        .requestHandler(r -> r.response().setStatusCode(302)
            .putHeader("Location", "http://127.0.0.1:" + target.actualPort() + "/elsewhere").end());
    redirecting.listen(0, "127.0.0.1").await();
    // 200 at once, then a body that never ends: delivered, the rest of the body not waited for.
    io.vertx.core.http.HttpServer dripping = receivers.createHttpServer()
        .requestHandler(r -> {
          r.response().setChunked(true).setStatusCode(200);
          r.response().write("x".repeat(1024));
          long timer = receivers.setPeriodic(10, id -> r.response().write("x".repeat(8192)));
          r.connection().closeHandler(v -> receivers.cancelTimer(timer));
        });
    dripping.listen(0, "127.0.0.1").await();
    try {
      redirected.setWebhook("http://127.0.0.1:" + redirecting.actualPort() + "/hook");
      endless.setWebhook("http://127.0.0.1:" + dripping.actualPort() + "/hook");
      announce(redirected, "reg-r", "r1");
      long announced = System.currentTimeMillis();
      announce(endless, "reg-e", "e1");
      awaitTrue(() -> "delivered".equals(endless.deliveries().getJsonObject(0).getString("state")), "the endless one delivered");
      assertThat(System.currentTimeMillis() - announced).as("ms to deliver despite an endless body")
          .isLessThan(REQUEST_TIMEOUT_MS);
      awaitTrue(() -> redirected.deliveries().getJsonObject(0).getInteger("attempts") >= 2, "the redirected one retried");
      JsonObject r = redirected.deliveries().getJsonObject(0);
      assertThat(r.getString("state")).isEqualTo("pending");
      assertThat(r.getString("lastStatus")).isEqualTo("302");
      assertThat(elsewhere).as("the redirect's target").isEmpty();
    } finally {
      redirected.delete("/v1/webhook");
      target.close().await();
      redirecting.close().await();
      dripping.close().await();
    }
  }

  @Test
  void changesToTheWebhookAreRateLimited() {
    Integrator it = integrator("Rate Limited");
    try (Receiver receiver = Receiver.answering(receivers, 200)) {
      int ok = 0;
      HttpResponse<Buffer> last = null;
      for (int i = 0; i < 12; i++) {
        last = it.put(new JsonObject().put("url", receiver.url()));
        if (last.statusCode() == 200) {
          com.pmsrelay.logs.TestSecrets.record("webhook secret", last.bodyAsJsonObject().getString("secret"));
          ok++;
        } else {
          break;
        }
      }
      assertThat(ok).isEqualTo(10);
      assertProblem(last, 429, "rate_limited");
      assertThat(last.getHeader("Retry-After")).matches("[1-9][0-9]*");
      // Reading is not limited.
      assertThat(it.get("/v1/webhook").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutAWebhookANoticeIsDroppedAndDeletingDropsThosePending() {
    Integrator it = integrator("Dropped");
    announce(it, "reg-none", "n1");
    JsonObject none = it.deliveries().getJsonObject(0);
    assertThat(none.getString("state")).isEqualTo("dropped");
    assertThat(none.getString("lastStatus")).isEqualTo("webhook_not_set");
    assertThat(none.getInteger("attempts")).isZero();
    try (Receiver receiver = Receiver.answering(receivers, 503)) {
      it.setWebhook(receiver.url());
      announce(it, "reg-del", "d1");
      announce(it, "reg-del", "d2");
      awaitTrue(() -> !receiver.received.isEmpty(), "a first attempt");
      assertThat(it.delete("/v1/webhook").statusCode()).isEqualTo(204);
      JsonArray after = it.deliveries();
      assertThat(after).hasSize(3);
      for (Object o : after.getList().subList(0, 2)) {
        JsonObject d = o instanceof JsonObject j ? j : new JsonObject((java.util.Map<String, Object>) o);
        assertThat(d.getString("state")).isEqualTo("dropped");
        assertThat(d.getString("lastStatus")).isEqualTo("webhook_deleted");
      }
      int seen = receiver.received.size();
      sleep(500);
      assertThat(receiver.received).as("nothing sent after the delete").hasSize(seen);
    }
    assertThat(it.get("/v1/webhook/deliveries?limit=1").bodyAsJsonObject().getJsonArray("deliveries")).hasSize(1);
  }

  // ---- helpers ----

  /** An integrator of its own for each test, with an access token. */
  final class Integrator {
    final String clientId;
    final String token;

    Integrator(String clientId, String token) {
      this.clientId = clientId;
      this.token = token;
    }

    HttpResponse<Buffer> put(JsonObject body) {
      return http.put("/v1/webhook").putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
    }

    HttpResponse<Buffer> get(String path) {
      return http.get(path).putHeader("Authorization", "Bearer " + token).send().await();
    }

    HttpResponse<Buffer> delete(String path) {
      return http.delete(path).putHeader("Authorization", "Bearer " + token).send().await();
    }

    String setWebhook(String url) {
      HttpResponse<Buffer> r = put(new JsonObject().put("url", url));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      String secret = r.bodyAsJsonObject().getString("secret");
      com.pmsrelay.logs.TestSecrets.record("webhook secret", secret);
      return secret;
    }

    JsonArray deliveries() {
      HttpResponse<Buffer> r = get("/v1/webhook/deliveries");
      assertThat(r.statusCode()).isEqualTo(200);
      return r.bodyAsJsonObject().getJsonArray("deliveries");
    }
  }

  private Integrator integrator(String name) {
    IntegratorStore.Created created = cloud.integrators().create(name, null).await();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
    String token = http.post("/v1/token").sendForm(form).await().bodyAsJsonObject().getString("access_token");
    return new Integrator(created.clientId(), token);
  }

  private static void announce(Integrator it, String registration, String result) {
    cloud.changeNotices().announce(it.clientId, registration, result, Instant.now()).await();
  }

  private static List<AuditRecord> auditOf(String clientId) {
    return cloud.audit().list(new AuditStore.Query(AuditRecord.NO_PRACTICE, null, null, clientId, null, null, null, 100))
        .await();
  }

  static boolean verifies(String secret, Receiver.Received got) {
    String expected = "sha256=" + hmacHex(secret, got.headers().get("X-Relay-Timestamp") + "." + got.body());
    return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        got.headers().get("X-Relay-Signature-256").getBytes(StandardCharsets.US_ASCII));
  }

  /** HMAC-SHA256 as an integrator computes it, with nothing of the relay's code. */
  static String hmacHex(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(r.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    awaitTrue(condition, what, 10_000);
  }

  static void awaitTrue(BooleanSupplier condition, String what, long withinMs) {
    long deadline = System.currentTimeMillis() + withinMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + withinMs + " ms: " + what);
      }
      sleep(25);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
