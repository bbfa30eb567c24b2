package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.results.ResultFile;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.KeysConfig;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.keys.SealingKeys;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Async queries and idempotency keys over real sockets: the whole life cycle, paging and NDJSON,
 * another integrator's 404, cancelling on the database, expiry, a cloud restart between submit
 * and fetch, results unreadable on disk without the key, and a key that never runs its SQL twice.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class AsyncQueryTest {
  @TempDir static Path dir;
  static StreamingRelay relay;
  static String owner;
  static String other;

  @BeforeAll
  static void start() throws Exception {
    relay = StreamingRelay.start(dir);
    owner = relay.token(relay.first).await();
    other = relay.token(relay.second).await();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static JsonObject rows(int n) {
    return new JsonObject().put("sql", "SELECT TOP " + n + " N, Filler FROM dbo.Big").put("maxRows", n).put("mode", "async");
  }

  private static HttpResponse<Buffer> get(String token, String path, String accept) {
    return relay.web.get(path).putHeader("Authorization", "Bearer " + token).putHeader("Accept", accept).send().await();
  }

  /** The query's status once it is no longer queued or executing (polled, at most 30 s). */
  private static JsonObject ended(String token, String queryId) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonObject status = get(token, "/v1/queries/" + queryId, "application/json").bodyAsJsonObject();
      String s = status.getString("status");
      if (!s.equals("queued") && !s.equals("executing") || System.currentTimeMillis() > deadline) {
        return status;
      }
      Thread.sleep(50);
    }
  }

  private static String submit(String token, JsonObject body) {
    HttpResponse<Buffer> accepted = relay.query(token, body).await();
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    String queryId = accepted.bodyAsJsonObject().getString("queryId");
    assertThat(accepted.getHeader("Location")).isEqualTo("/v1/queries/" + queryId);
    assertThat(accepted.bodyAsJsonObject().getString("status")).isIn("queued", "executing", "succeeded");
    return queryId;
  }

  @Test
  void theWholeLifeCycleWithPagesAndNdjson() throws Exception {
    String id = submit(owner, rows(2_500));
    JsonObject status = ended(owner, id);
    assertThat(status.getString("status")).isEqualTo("succeeded");
    assertThat(status.getString("practiceId")).isEqualTo(relay.practiceId);
    assertThat(status.getLong("rowCount")).isEqualTo(2_500L);
    assertThat(status.getBoolean("truncated")).isFalse();
    assertThat(status.getString("createdAt")).isNotNull();
    assertThat(status.getString("finishedAt")).isNotNull();
    assertThat(status.getValue("error")).isNull();

    JsonArray all = new JsonArray();
    Long offset = 0L;
    int pages = 0;
    while (offset != null) {
      JsonObject page = get(owner, "/v1/queries/" + id + "/results?offset=" + offset + "&limit=1000", "application/json")
          .bodyAsJsonObject();
      assertThat(page.getLong("offset")).isEqualTo(offset);
      assertThat(page.getJsonArray("columns").getJsonObject(0).getString("name")).isEqualTo("N");
      all.addAll(page.getJsonArray("rows"));
      offset = page.getLong("nextOffset");
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(all).hasSize(2_500);
    assertThat(all.getJsonArray(2_499).getLong(0)).isEqualTo(2_500L);

    HttpResponse<Buffer> ndjson = get(owner, "/v1/queries/" + id + "/results", "application/x-ndjson");
    String[] lines = ndjson.bodyAsString().split("\n");
    assertThat(ndjson.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
    assertThat(lines).hasSize(2_502);
    assertThat(new JsonObject(lines[0]).getJsonArray("columns")).hasSize(2);
    assertThat(new JsonObject(lines[2_501])).isEqualTo(new JsonObject().put("end", true).put("rowCount", 2_500)
        .put("truncated", false));

    assertThat(get(owner, "/v1/queries/" + id + "/results?limit=0", "application/json").statusCode()).isEqualTo(400);
    assertThat(get(owner, "/v1/queries/" + id + "/results?offset=-1", "application/json").statusCode()).isEqualTo(400);
  }

  @Test
  void anotherIntegratorSeesNoSuchQuery() throws Exception {
    String id = submit(owner, rows(10));
    ended(owner, id);
    for (String path : new String[] {"/v1/queries/" + id, "/v1/queries/" + id + "/results"}) {
      HttpResponse<Buffer> r = get(other, path, "application/json");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("query_not_found");
    }
    HttpResponse<Buffer> delete = relay.web.delete("/v1/queries/" + id).putHeader("Authorization", "Bearer " + other)
        .send().await();
    assertThat(delete.statusCode()).isEqualTo(404);
    assertThat(get(owner, "/v1/queries/" + id, "application/json").bodyAsJsonObject().getString("status"))
        .isEqualTo("succeeded");
    assertThat(get(owner, "/v1/queries/not-a-query-id", "application/json").statusCode()).isEqualTo(404);
  }

  @Test
  void deleteCancelsTheStatementOnTheDatabase() throws Exception {
    String id = submit(owner, new JsonObject().put("mode", "async").put("timeoutMs", 60_000)
        .put("sql", "SELECT COUNT(*) AS C FROM dbo.Big a CROSS JOIN dbo.Numbers b"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (relay.statementsRunning("CROSS JOIN") == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(relay.statementsRunning("CROSS JOIN")).as("running at the database before the cancel").isEqualTo(1);
    HttpResponse<Buffer> cancelled = relay.web.delete("/v1/queries/" + id).putHeader("Authorization", "Bearer " + owner)
        .send().await();
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("cancelled");
    deadline = System.currentTimeMillis() + 2_000;
    while (relay.statementsRunning("CROSS JOIN") > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(relay.statementsRunning("CROSS JOIN")).as("running at the database 2 s after the cancel").isZero();
    HttpResponse<Buffer> results = get(owner, "/v1/queries/" + id + "/results", "application/json");
    assertThat(results.statusCode()).isEqualTo(409);
    assertThat(results.bodyAsJsonObject().getString("code")).isEqualTo("results_unavailable");
    HttpResponse<Buffer> again = relay.web.delete("/v1/queries/" + id).putHeader("Authorization", "Bearer " + owner)
        .send().await();
    assertThat(again.bodyAsJsonObject().getString("status")).as("a second cancel changes nothing").isEqualTo("cancelled");
  }

  @Test
  void resultsExpireAfterTheirRetention() throws Exception {
    String id = submit(owner, rows(10));
    assertThat(ended(owner, id).getString("status")).isEqualTo("succeeded");
    Path file = dir.resolve("cloud").resolve("results").resolve(id + ".result");
    assertThat(file).exists();
    relay.cloud.async().expireAsOf(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(25)).await();
    HttpResponse<Buffer> results = get(owner, "/v1/queries/" + id + "/results", "application/json");
    assertThat(results.statusCode()).isEqualTo(410);
    assertThat(results.bodyAsJsonObject().getString("code")).isEqualTo("results_expired");
    assertThat(get(owner, "/v1/queries/" + id, "application/json").bodyAsJsonObject().getString("status"))
        .isEqualTo("expired");
    long deadline = System.currentTimeMillis() + 5_000;
    while (Files.exists(file) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(file).as("the expired result's file is removed").doesNotExist();
  }

  @Test
  void resultsAreUnreadableOnDiskWithoutTheKey() throws Exception {
    String id = submit(owner, rows(200));
    assertThat(ended(owner, id).getString("status")).isEqualTo("succeeded");
    Path file = dir.resolve("cloud").resolve("results").resolve(id + ".result");
    String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(raw).as("no row in the clear").doesNotContain("synthetic row");
    SealingKeys wrong = MasterKey.of(Secrets.randomBytes(32), null).sealing(KeyPurposes.RESULTS);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultFile.open(file, wrong, id))
        .isInstanceOf(ResultFile.UnreadableException.class);
    SealingKeys right = MasterKey.load(new KeysConfig(null, null), dir.resolve("cloud")).sealing(KeyPurposes.RESULTS);
    try (ResultFile.Reader reader = ResultFile.open(file, right, id)) {
      assertThat(reader.page(0, 1, Long.MAX_VALUE).rowCount()).as("with the key it reads").isEqualTo(200);
    }
  }

  @Test
  void aRestartedCloudServesResultsAndRunsQueriesThatWaited() throws Exception {
    String done = submit(owner, rows(300));
    assertThat(ended(owner, done).getString("status")).isEqualTo("succeeded");
    relay.stopAgent();
    String waiting = submit(owner, rows(40)); // the agent is away: it waits in the cloud
    Thread.sleep(300);
    assertThat(get(owner, "/v1/queries/" + waiting, "application/json").bodyAsJsonObject().getString("status"))
        .isEqualTo("queued");
    relay.restartCloud();
    relay.startAgent();
    JsonObject page = get(owner, "/v1/queries/" + done + "/results?limit=1000", "application/json").bodyAsJsonObject();
    assertThat(page.getJsonArray("rows")).as("a kept result survives the restart").hasSize(300);
    // The restarted node adopts what the stopped one left unfinished, once that one is seen dead.
    JsonObject adopted = ended(owner, waiting);
    assertThat(adopted.getString("status")).isEqualTo("succeeded");
    assertThat(adopted.getLong("rowCount")).isEqualTo(40L);
  }

  @Test
  void theSameIdempotencyKeyNeverRunsTheSqlTwice() throws Exception {
    JsonObject immediate = new JsonObject().put("sql", "SELECT TOP 1500 N, Filler FROM dbo.Big").put("maxRows", 1500)
        .put("idempotencyKey", "nightly-" + System.nanoTime());
    long before = StreamingRelay.ROWS_READ.get();
    HttpResponse<Buffer> first = relay.query(owner, immediate).await();
    HttpResponse<Buffer> second = relay.query(owner, immediate).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getString("queryId")).isEqualTo(first.bodyAsJsonObject().getString("queryId"));
    assertThat(second.bodyAsJsonObject().getJsonArray("rows")).isEqualTo(first.bodyAsJsonObject().getJsonArray("rows"));
    assertThat(StreamingRelay.ROWS_READ.get() - before).as("rows the database read for both").isEqualTo(1_500);

    JsonObject async = rows(100).put("idempotencyKey", "export-" + System.nanoTime());
    String a = submit(owner, async);
    String b = submit(owner, async);
    assertThat(b).isEqualTo(a);
    assertThat(ended(owner, a).getString("status")).isEqualTo("succeeded");

    HttpResponse<Buffer> misuse = relay.query(owner, immediate.copy().put("sql", "SELECT TOP 1 N FROM dbo.Numbers")).await();
    assertThat(misuse.statusCode()).isEqualTo(400);
    assertThat(misuse.bodyAsString()).contains("idempotencyKey");
    HttpResponse<Buffer> otherIntegrator = relay.query(other, immediate).await();
    assertThat(otherIntegrator.bodyAsJsonObject().getString("queryId")).as("keys are per integrator")
        .isNotEqualTo(first.bodyAsJsonObject().getString("queryId"));
  }

  @Test
  void aKeyWhoseQueryNeverRanMayBeUsedAgain() throws Exception {
    JsonObject body = new JsonObject().put("sql", "SELECT TOP 3 N FROM dbo.Numbers").put("idempotencyKey", "retry-" + System.nanoTime());
    relay.stopAgent();
    HttpResponse<Buffer> offline = relay.query(owner, body).await();
    relay.startAgent();
    assertThat(offline.statusCode()).isEqualTo(503);
    HttpResponse<Buffer> retried = relay.query(owner, body).await();
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getJsonArray("rows")).hasSize(3);
    assertThat(retried.bodyAsJsonObject().getString("queryId")).isNotEqualTo(offline.bodyAsJsonObject().getString("queryId"));
  }
}
