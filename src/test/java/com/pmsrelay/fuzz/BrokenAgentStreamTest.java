package com.pmsrelay.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bridge fuzzing found: an agent that breaks its result stream, or ends it with an error
 * it may not send, cost the integrator a 500 (the relay's own failure) or a misleading code. Now
 * it is 502 {@code agent_error}; the codes an agent may send still pass (422 here).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokenAgentStreamTest {
  @TempDir static Path dir;
  static FuzzRelay relay;
  static NetClient tls;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    relay = FuzzRelay.start(dir, 1);
    tls = relay.clients.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
        .setHostnameVerificationAlgorithm(""));
    token = relay.token(2);
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void aBrokenStreamOrAForbiddenErrorIsA502AndAnAgentErrorPassesThrough() {
    JsonObject columns = new JsonObject().put("seq", 0).put("columns", new JsonArray()
        .add(new JsonObject().put("name", "a").put("type", "INTEGER")));
    assertThat(answer(List.of(columns, new JsonObject().put("seq", 2).put("rows", new JsonArray())))).satisfies(
        r -> problem(r, 502, "agent_error"));
    assertThat(answer(List.of(columns, new JsonObject().put("seq", 1).put("end", new JsonObject().put("rowCount", 3)))))
        .satisfies(r -> problem(r, 502, "agent_error"));
    for (String code : List.of("internal_error", "no_such_code", "invalid_token", "rate_limited")) {
      assertThat(answer(List.of(error(code)))).as(code).satisfies(r -> problem(r, 502, "agent_error"));
    }
    assertThat(answer(List.of(error("execution_failed")))).satisfies(r -> problem(r, 422, "execution_failed"));
  }

  private static JsonObject error(String code) {
    return new JsonObject().put("seq", 0).put("error", new JsonObject().put("code", code).put("detail", "from the agent"));
  }

  /** The integrator's answer to a query that the agent (this test) answers with {@code messages}. */
  private HttpResponse<Buffer> answer(List<JsonObject> messages) {
    FuzzRelay.FuzzPractice practice = relay.fuzzPractices.get(0);
    BridgePeer peer = BridgePeer.authenticated(relay.clients, tls, relay.cloud.bridgePort(), practice.practiceId(),
        practice.agentKey(), true).await();
    relay.clients.timer(100).await(); // registered
    var response = relay.http.post("/v1/practices/" + practice.practiceId() + "/queries")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("sql", "SELECT a FROM Patients"));
    String outcome = peer.until(f -> f.getValue("body") instanceof JsonObject b && "query".equals(b.getString("op")),
        5_000, f -> { }).await();
    assertThat(outcome).isEqualTo("answered");
    String stream = peer.matched().getString("replyAddress");
    for (JsonObject message : messages) {
      peer.write(BridgeFuzzIT.frame(new JsonObject().put("type", "send").put("address", stream).put("body", message)
          .toBuffer().getBytes()));
    }
    HttpResponse<Buffer> r = response.await();
    peer.close().await();
    return r;
  }

  private static void problem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(Problem.check(r.statusCode(), r.getHeader("Content-Type"), r.body())).isEmpty();
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }
}
