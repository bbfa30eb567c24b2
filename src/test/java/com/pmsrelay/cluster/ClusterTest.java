package com.pmsrelay.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered cloud nodes and an agent on the second: a query at any node reaches it
 * (immediate, streamed with back-pressure, cancelled by a client that leaves), and when the node
 * holding its socket goes, the query it carried fails at once and the agent moves to another.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  @TempDir static Path dir;
  static ThreeNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ThreeNodes(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Future<io.vertx.ext.web.client.HttpResponse<Buffer>> query(int node, String token, JsonObject body) {
    return cluster.web.post(cluster.httpPort(node), "127.0.0.1", "/v1/practices/" + cluster.practiceId + "/queries")
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body);
  }

  @Test
  @Order(1)
  void theNodesFormOneCluster() {
    for (var node : cluster.nodes) {
      assertThat(node.cluster().nodes()).hasSize(ThreeNodes.NODES).contains(node.nodeId());
    }
  }

  @Test
  @Order(2)
  void everyNodeShowsTheAgentOnlineAsItsOwnNodeHearsIt(VertxTestContext ctx) {
    Future.all(List.of(0, 1, 2).stream().map(node -> cluster.token(node).compose(t -> cluster.web
            .get(cluster.httpPort(node), "127.0.0.1", "/v1/practices/" + cluster.practiceId)
            .putHeader("Authorization", "Bearer " + t).send())).toList())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int node = 0; node < ThreeNodes.NODES; node++) {
            io.vertx.ext.web.client.HttpResponse<Buffer> r = all.resultAt(node);
            JsonObject agent = r.bodyAsJsonObject().getJsonObject("agent");
            assertThat(agent.getString("status")).as("at node %d", node).isEqualTo("online");
            assertThat(java.time.Instant.parse(agent.getString("lastSeen")))
                .isAfter(java.time.Instant.now().minusSeconds(60));
          }
          ctx.completeNow();
        })));
  }

  @Test
  @Order(2)
  void aQueryAtEveryNodeReachesTheAgentOnTheSecond(VertxTestContext ctx) {
    JsonObject lookup = new JsonObject().put("sql", "SELECT PatientId, FirstName FROM dbo.Patients WHERE PatientId = ?")
        .put("params", new JsonArray().add(42));
    Future.all(List.of(0, 1, 2).stream().map(node -> cluster.token(node).compose(t -> query(node, t, lookup))).toList())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int node = 0; node < ThreeNodes.NODES; node++) {
            io.vertx.ext.web.client.HttpResponse<Buffer> r = all.resultAt(node);
            assertThat(r.statusCode()).as("node %d: %s", node, r.bodyAsString()).isEqualTo(200);
            assertThat(r.bodyAsJsonObject().getJsonArray("rows"))
                .isEqualTo(new JsonArray().add(new JsonArray().add(42).add("Synthetic42")));
          }
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void queriesAddNoRegistrationsToTheCluster(VertxTestContext ctx) {
    // Each event loop of a node has one result inbox, registered once; before, every query's HTTP
    // request (a context of its own) made one more, never removed.
    JsonObject lookup = new JsonObject().put("sql", "SELECT PatientId, FirstName FROM dbo.Patients WHERE PatientId = ?")
        .put("params", new JsonArray().add(7));
    int loops = cluster.nodes.get(0).httpInstances();
    int[] before = new int[1];
    cluster.token(0)
        .compose(token -> inTurn(0, token, lookup, 4).map(token))
        .compose(token -> {
          before[0] = clusterRegistrations();
          return inTurn(0, token, lookup, 24);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(clusterRegistrations() - before[0]).as("registrations added by 24 queries")
              .isLessThanOrEqualTo(loops);
          ctx.completeNow();
        })));
  }

  /** Sends {@code lookup} to {@code node} {@code count} times, one after the other, each answered 200. */
  private static Future<Void> inTurn(int node, String token, JsonObject lookup, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> query(node, token, lookup).map(r -> {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return null;
      }));
    }
    return chain;
  }

  /** Event-bus registrations in the cluster's registry (Vert.x's Hazelcast multimap of subscriptions). */
  private static int clusterRegistrations() {
    return ((HazelcastClusterManager) ((VertxInternal) cluster.vertxes.get(0)).clusterManager()).getHazelcastInstance()
        .getMultiMap("__vertx.subs").size();
  }

  @Test
  @Order(4)
  void aLargeStreamCrossesTheClusterWhole(VertxTestContext ctx) {
    JsonObject big = new JsonObject().put("sql", "SELECT N, Filler FROM dbo.Big").put("maxRows", ThreeNodes.BIG_ROWS);
    cluster.token(0)
        .compose(token -> stream(0, token, big))
        .compose(response -> {
          Promise<long[]> read = Promise.promise();
          long[] linesAndBytes = new long[2];
          Buffer[] tail = {Buffer.buffer()};
          response.handler(b -> {
            linesAndBytes[1] += b.length();
            for (int i = 0; i < b.length(); i++) {
              if (b.getByte(i) == '\n') {
                linesAndBytes[0]++;
              }
            }
            tail[0] = tail[0].appendBuffer(b);
            if (tail[0].length() > 4096) {
              tail[0] = tail[0].getBuffer(tail[0].length() - 1024, tail[0].length());
            }
          });
          response.endHandler(v -> read.complete(new long[] {linesAndBytes[0], linesAndBytes[1], response.statusCode()}));
          response.exceptionHandler(read::tryFail);
          response.resume();
          return read.future().map(r -> {
            String text = tail[0].toString().trim();
            ctx.verify(() -> {
              assertThat(r[2]).isEqualTo(200);
              assertThat(r[0]).as("columns, rows, end").isEqualTo(ThreeNodes.BIG_ROWS + 2L);
              assertThat(new JsonObject(text.substring(text.lastIndexOf('\n') + 1)))
                  .isEqualTo(new JsonObject().put("end", true).put("rowCount", ThreeNodes.BIG_ROWS).put("truncated", false));
            });
            return r;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(5)
  void aClientLeavingAtOneNodeStopsTheQueryAtTheAgentOnAnother(VertxTestContext ctx) {
    JsonObject slow = new JsonObject().put("sql", "SELECT N FROM dbo.Slow").put("timeoutMs", 60_000);
    long before = ThreeNodes.SLOW_ROWS_READ.get();
    cluster.token(2)
        .compose(token -> stream(2, token, slow))
        .compose(response -> cluster.clientVertx.timer(1_500).map(v -> {
          ctx.verify(() -> assertThat(ThreeNodes.SLOW_ROWS_READ.get() - before).as("rows read while the client reads")
              .isPositive());
          response.request().connection().close();
          return v;
        }))
        .compose(v -> cluster.clientVertx.timer(2_000).map(w -> ThreeNodes.SLOW_ROWS_READ.get()))
        .compose(readAfterLeaving -> cluster.clientVertx.timer(1_000).map(w -> {
          ctx.verify(() -> {
            assertThat(ThreeNodes.SLOW_ROWS_READ.get()).as("the PMS stopped reading once the client left")
                .isEqualTo(readAfterLeaving);
            assertThat(ThreeNodes.SLOW_ROWS_READ.get() - before).as("the query never ran to its end").isLessThan(10_000);
          });
          return w;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Last: the second node goes down without draining (its Vert.x closed: sockets and cluster
   * membership gone at once). The query it carried fails at once with a retryable 503, the agent
   * reconnects to another of its addresses within 5 s, and queries at the first node work again.
   */
  @Test
  @Order(6)
  void whenTheAgentsNodeGoesItsQueryFailsAtOnceAndTheAgentMovesOn(VertxTestContext ctx) {
    JsonObject slow = new JsonObject().put("sql", "SELECT COUNT(*) AS N FROM dbo.Slow").put("timeoutMs", 60_000);
    JsonObject lookup = new JsonObject().put("sql", "SELECT FirstName FROM dbo.Patients WHERE PatientId = 7");
    long[] lost = new long[1];
    String[] token = new String[1];
    cluster.token(0)
        .compose(t -> {
          token[0] = t;
          Future<io.vertx.ext.web.client.HttpResponse<Buffer>> answer = query(0, t, slow);
          return cluster.clientVertx.timer(1_500).compose(v -> {
            lost[0] = System.nanoTime();
            cluster.vertxes.get(1).close();
            return answer;
          });
        })
        .compose(r -> {
          long ms = (System.nanoTime() - lost[0]) / 1_000_000;
          System.out.printf("the agent's node went down: the query it carried answered %d %s after %d ms%n",
              r.statusCode(), r.bodyAsJsonObject().getString("code"), ms);
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("agent_offline");
            assertThat(r.getHeader("Retry-After")).isNotNull();
            assertThat(ms).as("ms to the 503").isLessThan(3_000);
          });
          return cluster.clientVertx.executeBlocking(() -> {
            long deadline = System.nanoTime() + 5_000_000_000L;
            int node;
            while ((node = cluster.nodeWithAgent(java.util.Set.of(1))) < 0) {
              if (System.nanoTime() > deadline) {
                throw new AssertionError("the agent was not at another node within 5 s of its node going down");
              }
              Thread.sleep(20);
            }
            System.out.printf("the agent was at node %d %d ms after its node went down%n", node,
                (System.nanoTime() - lost[0]) / 1_000_000);
            return node;
          });
        })
        // The agent's new node holds it; the others learn of its address through the cluster a moment
        // later, and meanwhile say agent_offline (with Retry-After) as for any agent not yet there.
        .compose(node -> untilServed(0, token[0], lookup, System.nanoTime() + 5_000_000_000L))
        .compose(r -> {
          System.out.printf("node 0 served the moved agent's practice %d ms after its node went down%n",
              (System.nanoTime() - lost[0]) / 1_000_000);
          ctx.verify(() -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200));
          return cluster.clientVertx.executeBlocking(() -> {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (cluster.nodes.get(0).cluster().nodes().size() != ThreeNodes.NODES - 1) {
              if (System.nanoTime() > deadline) {
                throw new AssertionError("the first node still sees " + cluster.nodes.get(0).cluster().nodes());
              }
              Thread.sleep(20);
            }
            return null;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Asks until answered 200 or the deadline passes; anything but 200 and 503 agent_offline ends it at once. */
  private static Future<io.vertx.ext.web.client.HttpResponse<Buffer>> untilServed(int node, String token, JsonObject body,
      long deadlineNanos) {
    return query(node, token, body).compose(r -> {
      boolean moving = r.statusCode() == 503 && "agent_offline".equals(r.bodyAsJsonObject().getString("code"));
      if (!moving || System.nanoTime() > deadlineNanos) {
        return Future.succeededFuture(r);
      }
      return cluster.clientVertx.timer(50).compose(v -> untilServed(node, token, body, deadlineNanos));
    });
  }

  private static Future<HttpClientResponse> stream(int node, String token, JsonObject body) {
    HttpClient http = cluster.clientVertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(cluster.httpPort(node)).setURI("/v1/practices/" + cluster.practiceId + "/queries")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/x-ndjson");
    Promise<HttpClientResponse> paused = Promise.promise();
    cluster.clientVertx.getOrCreateContext().runOnContext(v -> http.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .map(response -> {
          response.pause();
          return response;
        }).onComplete(paused));
    return paused.future();
  }

}
