package com.pmsrelay.bench;

import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a cloud child says itself, over its HTTP API on loopback: {@code /ready}, and which agents
 * are online as the integrator granted at every seeded practice sees them ({@code GET
 * /v1/practices}, read from the store at each call). Blocking: call it off the event loops.
 */
final class CloudApi implements AutoCloseable {
  private final WebClient client;
  private final IntegratorStore.Created integrator;
  private String token;

  CloudApi(Vertx vertx, int port, IntegratorStore.Created integrator) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.integrator = integrator;
  }

  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (client.get("/ready").send().await().statusCode() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cloud was not ready within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /** How many of the seeded practices' agents the cloud reports {@code online}. */
  int online() {
    return countAgents(agent -> true);
  }

  /** How many agents the cloud reports {@code online} that also pass {@code test}. */
  private int countAgents(Predicate<JsonObject> test) {
    int count = 0;
    for (Object p : get("/v1/practices").getJsonArray("practices")) {
      JsonObject agent = ((JsonObject) p).getJsonObject("agent");
      if ("online".equals(agent.getString("status")) && test.test(agent)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Polls until the cloud reports exactly {@code expected} agents online; answers the count last
   * seen (so {@code != expected} means the deadline passed first).
   */
  int awaitOnline(int expected, Duration timeout) throws InterruptedException {
    return await(this::online, expected, timeout, 200);
  }

  /**
   * Polls until {@code expected} agents are online with their load on record: the store has
   * written a heartbeat of each (the first one an agent sends carries its load).
   */
  int awaitLoadRecorded(int expected, Duration timeout) throws InterruptedException {
    return await(() -> countAgents(agent -> agent.getValue("queueDepth") != null), expected, timeout, 1_000);
  }



  private static int await(java.util.function.IntSupplier count, int expected, Duration timeout, long pollMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int now = count.getAsInt();
      if (now == expected || System.nanoTime() > deadline) {
        return now;
      }
      Thread.sleep(pollMs);
    }
  }

  private JsonObject get(String path) {
    if (token == null) {
      token = fetchToken();
    }
    HttpResponse<Buffer> response = client.get(path).bearerTokenAuthentication(token).send().await();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
    }
    return response.bodyAsJsonObject();
  }

  private String fetchToken() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret());
    HttpResponse<Buffer> response = client.post("/v1/token").sendForm(form).await();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST /v1/token answered " + response.statusCode());
    }
    return response.bodyAsJsonObject().getString("access_token");
  }

  @Override
  public void close() {
    client.close();
  }
}
