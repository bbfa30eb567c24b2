package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Demo mode as shipped: its cloud takes a webhook on {@code http://127.0.0.1:<port>} and delivers
 * there; a cloud node with the shipped defaults (outside demo) refuses that URL and the issue's
 * other SSRF attempts through the same API.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoWebhookTest extends RelayTest {

  @Test
  void theDemoAllowsALoopbackReceiverAndDeliversToIt() {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = relay.vertx().createHttpServer().requestHandler(r -> r.body().onSuccess(b -> {
      received.add(new JsonObject(b));
      r.response().setStatusCode(204).end();
    }));
    receiver.listen(0, "127.0.0.1").await();
    try {
      String token = relay.token(0).await();
      HttpResponse<Buffer> set = relay.http.put("/v1/webhook").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook")).await();
      assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
      com.pmsrelay.logs.TestSecrets.record("webhook secret", set.bodyAsJsonObject().getString("secret"));
      // Still refused in the demo: anything but loopback by its plain name or address.
      HttpResponse<Buffer> metadata = relay.http.put("/v1/webhook").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("url", "http://169.254.169.254/latest/meta-data/")).await();
      assertThat(metadata.statusCode()).isEqualTo(400);
      assertThat(metadata.bodyAsJsonObject().getString("code")).isEqualTo("webhook_url_refused");

      String clientId = relay.integrator(0).getString("clientId");
      relay.demo.cloud().changeNotices().announce(clientId, "reg-demo", "res-demo", Instant.now()).await();
      long deadline = System.currentTimeMillis() + 10_000;
      while (received.isEmpty() && System.currentTimeMillis() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      assertThat(received).hasSize(1);
      assertThat(received.get(0).getString("resultId")).isEqualTo("res-demo");
    } finally {
      receiver.close().await();
    }
  }

  @Test
  void outsideDemoTheShippedDefaultsRefuseLoopbackAndPrivateUrls() {
    CloudNode cloud = new CloudNode(relay.vertx(), CloudConfig.from(LoopbackCloud.json(dir.resolve("plain-cloud"))))
        .start().await();
    WebClient web = com.pmsrelay.contract.ApiExchanges.recording(WebClient.create(relay.vertx()));
    try {
      IntegratorStore.Created created = cloud.integrators().create("Outside Demo", null).await();
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
          .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
      String token = web.post(cloud.httpPort(), "127.0.0.1", "/v1/token").sendForm(form).await().bodyAsJsonObject()
          .getString("access_token");
      for (String url : List.of("http://127.0.0.1:9/hook", "http://localhost:9/hook", "https://localhost/hook",
          "https://127.0.0.1/hook", "http://169.254.169.254/", "https://10.0.0.1/", "https://[::ffff:127.0.0.1]/",
          "https://2130706433/")) {
        HttpResponse<Buffer> r = web.put(cloud.httpPort(), "127.0.0.1", "/v1/webhook")
            .putHeader("Authorization", "Bearer " + token).sendJsonObject(new JsonObject().put("url", url)).await();
        assertThat(r.statusCode()).as(url).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("code")).as(url).isEqualTo("webhook_url_refused");
      }
    } finally {
      web.close();
      cloud.stop().await();
    }
  }
}
