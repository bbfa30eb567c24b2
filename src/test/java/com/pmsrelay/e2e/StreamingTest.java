package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results of any size over real sockets: a million rows as NDJSON with the relay's memory flat, a
 * slow reader slowing the database, a client that leaves stopping it, wide rows failing alone and
 * never the practice's link, and broken streams that cannot pass for whole ones.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class StreamingTest {
  private static final String NDJSON = "application/x-ndjson";
  private static final long MIB = 1024 * 1024;
  @TempDir static Path dir;
  static StreamingRelay relay;
  static String bulk;
  static String booking;

  @BeforeAll
  static void start() throws Exception {
    relay = StreamingRelay.start(dir);
    bulk = relay.token(relay.first).await();
    booking = relay.token(relay.second).await();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static JsonObject big(int rows) {
    return new JsonObject().put("sql", "SELECT TOP " + rows + " N, Filler FROM dbo.Big").put("maxRows", rows)
        .put("timeoutMs", 110_000);
  }

  @Test
  void aMillionRowsStreamAsNdjsonWhileTheRelaysHeapStaysFlat(VertxTestContext ctx) throws Exception {
    long readBefore = StreamingRelay.ROWS_READ.get();
    HeapWatch heap = new HeapWatch(300);
    relay.stream(bulk, big(StreamingRelay.BIG_ROWS), NDJSON)
        .compose(response -> {
          ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.getHeader("Content-Type")).isEqualTo(NDJSON);
          });
          return new NdjsonReader(response).readAll().done.future();
        })
        .onComplete(ctx.succeeding(reader -> ctx.verify(() -> {
          heap.close();
          System.out.printf("a million rows as NDJSON: %d bytes, live heap growth %d KiB%n", reader.bytes(),
              heap.growthBytes() / 1024);
          assertThat(reader.failure()).isNull();
          assertThat(reader.first().getJsonArray("columns").getJsonObject(1).getString("name")).isEqualTo("Filler");
          assertThat(reader.lines()).as("columns, a million rows, end").isEqualTo(StreamingRelay.BIG_ROWS + 2L);
          assertThat(reader.last()).isEqualTo(new JsonObject().put("end", true).put("rowCount", StreamingRelay.BIG_ROWS)
              .put("truncated", false));
          assertThat(reader.bytes()).as("about 100 MB").isGreaterThan(85 * MIB);
          assertThat(StreamingRelay.ROWS_READ.get() - readBefore).isEqualTo(StreamingRelay.BIG_ROWS);
          // Cloud, agent and this client share the JVM: their heap growth together stays under 64 MB.
          assertThat(heap.growthBytes()).as("live heap growth while streaming 100 MB").isLessThan(64 * MIB);
          ctx.completeNow();
        })));
  }

  @Test
  void aSlowReaderSlowsTheDatabaseAndLeavingStopsIt(VertxTestContext ctx) throws Exception {
    long readBefore = StreamingRelay.ROWS_READ.get();
    HeapWatch heap = new HeapWatch(300);
    Promise<NdjsonReader> reading = Promise.promise();
    relay.stream(bulk, big(StreamingRelay.BIG_ROWS), NDJSON).onComplete(ctx.succeeding(response -> {
      NdjsonReader reader = new NdjsonReader(response).readAt(relay.cloudVertx, MIB); // 1 MB/s
      relay.cloudVertx.setTimer(6_000, id -> reading.complete(reader));
    }));
    reading.future()
        .compose(reader -> {
          long read = StreamingRelay.ROWS_READ.get() - readBefore;
          long delivered = reader.rows();
          System.out.printf("slow reader after 6 s: %d rows delivered, %d read at the database, live heap growth %d KiB%n",
              delivered, read, heap.growthBytes() / 1024);
          ctx.verify(() -> {
            assertThat(delivered).as("rows at 1 MB/s for 6 s").isBetween(30_000L, 90_000L);
            // What the database produced beyond what the client took is bounded by the credit in
            // flight and the sockets' buffers, not by the result's size.
            assertThat(read - delivered).as("rows read at the database but not delivered").isLessThan(150_000L);
            assertThat(heap.growthBytes()).as("live heap growth with a slow reader").isLessThan(64 * MIB);
          });
          reader.response().request().connection().close(); // the client goes away
          return relay.agentVertx.timer(2_000).map(v -> StreamingRelay.ROWS_READ.get());
        })
        .compose(readAfterLeaving -> relay.agentVertx.executeBlocking(() -> {
          Thread.sleep(500);
          return new long[] {readAfterLeaving, StreamingRelay.ROWS_READ.get(), relay.statementsRunning("dbo.Big")};
        }))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          heap.close();
          assertThat(after[1]).as("the database stopped reading once the client left").isEqualTo(after[0]);
          assertThat(after[2]).as("statements still running").isZero();
          assertThat(after[1] - readBefore).as("the query never ran to its end").isLessThan(StreamingRelay.BIG_ROWS);
          ctx.completeNow();
        })));
  }

  @Test
  void theRowsOfASlowQueryArriveAsTheDatabaseProducesThem(VertxTestContext ctx) {
    long sent = System.nanoTime();
    JsonObject trickle = new JsonObject().put("sql", "SELECT N, Filler FROM dbo.Trickle").put("timeoutMs", 30_000);
    relay.stream(bulk, trickle, NDJSON)
        .compose(response -> new NdjsonReader(response).readAll().done.future())
        .onComplete(ctx.succeeding(reader -> ctx.verify(() -> {
          long firstRowMs = (reader.firstRowNanos() - sent) / 1_000_000;
          long endMs = (reader.endNanos() - sent) / 1_000_000;
          long producingMs = (long) StreamingRelay.TRICKLE_ROWS * StreamingRelay.TRICKLE_ROW_MS;
          System.out.printf("a slow query (%d rows, %d ms apart): first row at the client after %d ms, end after %d ms%n",
              StreamingRelay.TRICKLE_ROWS, StreamingRelay.TRICKLE_ROW_MS, firstRowMs, endMs);
          assertThat(reader.failure()).isNull();
          assertThat(reader.lines()).as("columns, rows, end").isEqualTo(StreamingRelay.TRICKLE_ROWS + 2L);
          // A chunk waits at most 100 ms for more rows: the first rows come long before the last.
          assertThat(firstRowMs).as("ms to the first row").isLessThan(producingMs / 2);
          assertThat(endMs - firstRowMs).as("ms between the first row and the end").isGreaterThan(producingMs / 2);
          ctx.completeNow();
        })));
  }

  @Test
  void aLargeJsonAnswerIsWrittenAsItStreams(VertxTestContext ctx) {
    relay.query(bulk, big(200_000)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.getHeader("Content-Length")).as("streamed, not built whole").isNull();
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("succeeded");
      assertThat(body.getJsonArray("rows")).hasSize(200_000);
      assertThat(body.getJsonArray("rows").getJsonArray(199_999).getLong(0)).isEqualTo(200_000L);
      assertThat(body.getLong("rowCount")).isEqualTo(200_000L);
      ctx.completeNow();
    })));
  }

  @Test
  void aSmallAnswerIsOneWriteWithItsLength(VertxTestContext ctx) {
    relay.query(booking, new JsonObject().put("sql", "SELECT TOP 3 N FROM dbo.Numbers ORDER BY N"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.getHeader("Content-Length")).isEqualTo(String.valueOf(r.body().length()));
          assertThat(r.bodyAsJsonObject().getJsonArray("rows"))
              .isEqualTo(new JsonArray("[[1],[2],[3]]"));
          ctx.completeNow();
        })));
  }

  @Test
  void wideRowsFailTheirOwnQueryAndNeverTheLink(VertxTestContext ctx) {
    int linksBefore = relay.agent.connectionsAccepted();
    Future.all(
            relay.query(bulk, new JsonObject().put("sql", "SELECT TOP 1 CONCAT(SPACE(2000000), 'x') AS W FROM dbo.Numbers")),
            relay.query(bulk, new JsonObject().put("sql", "SELECT TOP 500 N, CONCAT(SPACE(2000), 'x') AS W FROM dbo.Numbers")),
            relay.query(bulk, new JsonObject().put("sql", "SELECT TOP 1 CONCAT(SPACE(900000), 'x') AS W FROM dbo.Numbers")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> tooWide = all.resultAt(0);
          HttpResponse<Buffer> manyWide = all.resultAt(1);
          HttpResponse<Buffer> oneWide = all.resultAt(2);
          assertThat(tooWide.statusCode()).isEqualTo(422);
          assertThat(tooWide.getHeader("Content-Type")).isEqualTo("application/problem+json");
          assertThat(tooWide.bodyAsJsonObject().getString("code")).isEqualTo("row_too_large");
          assertThat(manyWide.statusCode()).as(manyWide.bodyAsString()).isEqualTo(200);
          assertThat(manyWide.bodyAsJsonObject().getJsonArray("rows")).hasSize(500);
          assertThat(manyWide.bodyAsJsonObject().getJsonArray("rows").getJsonArray(499).getString(1)).hasSize(2001);
          assertThat(oneWide.statusCode()).as("a row under the frame limit fits").isEqualTo(200);
          assertThat(oneWide.bodyAsJsonObject().getJsonArray("rows").getJsonArray(0).getString(0)).hasSize(900_001);
          assertThat(relay.agent.connectionsAccepted()).as("the practice's link never dropped").isEqualTo(linksBefore);
          ctx.completeNow();
        })));
  }

  @Test
  void anIntegratorSendingWideRowsNeverBreaksAnotherIntegratorsQueries(VertxTestContext ctx) {
    int linksBefore = relay.agent.connectionsAccepted();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    int[] widths = {2_000, 20_000, 200_000, 900_000, 1_200_000, 2_000_000};
    List<Future<int[]>> hostile = new ArrayList<>();
    for (int lane = 0; lane < 3; lane++) {
      hostile.add(loop(until, lane, i -> {
        int width = widths[i % widths.length];
        int rows = Math.max(1, 1_000_000 / width);
        return relay.query(bulk, new JsonObject().put("sql",
            "SELECT TOP " + rows + " N, CONCAT(SPACE(" + width + "), 'x') AS W FROM dbo.Numbers WHERE N > " + i));
      }));
    }
    Future<int[]> polite = loop(until, 0, i -> relay.query(booking, new JsonObject()
        .put("sql", "SELECT TOP 5 N FROM dbo.Numbers WHERE N > ? ORDER BY N").put("params", new JsonArray().add(i))));
    Future.all(Future.all(hostile), polite).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      int[] politeCounts = polite.result();
      assertThat(politeCounts[0]).as("the polite integrator's queries").isGreaterThan(50);
      assertThat(politeCounts[1]).as("of which failed").isZero();
      int wide = hostile.stream().mapToInt(f -> f.result()[0]).sum();
      assertThat(wide).as("wide-row queries sent").isGreaterThan(10);
      assertThat(relay.agent.connectionsAccepted()).as("the practice's link never dropped").isEqualTo(linksBefore);
      ctx.completeNow();
    })));
  }

  /**
   * Sends {@code query(i)} one after another until {@code untilNanos}; completes with {sent,
   * answers that were neither 200 nor 422 row_too_large}.
   */
  private static Future<int[]> loop(long untilNanos, int seed, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> query) {
    Promise<int[]> done = Promise.promise();
    int[] counts = new int[2];
    step(untilNanos, seed, query, counts, done);
    return done.future();
  }

  private static void step(long untilNanos, int i, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> query,
      int[] counts, Promise<int[]> done) {
    if (System.nanoTime() > untilNanos) {
      done.complete(counts);
      return;
    }
    query.apply(i).onComplete(r -> {
      counts[0]++;
      boolean fine = r.succeeded() && (r.result().statusCode() == 200
          || (r.result().statusCode() == 422 && r.result().bodyAsString().contains("row_too_large")));
      if (!fine) {
        counts[1]++;
      }
      step(untilNanos, i + 1, query, counts, done);
    });
  }

  @Test
  void anNdjsonStreamThatFailsMidwayEndsWithAnErrorLineNotTheEndLine(VertxTestContext ctx) {
    // Nobody reads for two seconds: the agent gets no credit and its one-second deadline passes.
    relay.stream(bulk, big(StreamingRelay.BIG_ROWS).put("timeoutMs", 1_000), NDJSON)
        .compose(response -> relay.cloudVertx.timer(2_000).compose(v -> new NdjsonReader(response).readAll().done.future()))
        .onComplete(ctx.succeeding(reader -> ctx.verify(() -> {
          assertThat(reader.rows()).as("some rows came first").isPositive();
          assertThat(reader.last().containsKey("end")).isFalse();
          assertThat(reader.last().getJsonObject("error").getString("code")).isEqualTo("query_timeout");
          ctx.completeNow();
        })));
  }

  @Test
  void aJsonAnswerThatFailsMidwayIsCutOffNotCompleted(VertxTestContext ctx) {
    relay.stream(bulk, big(StreamingRelay.BIG_ROWS).put("timeoutMs", 1_000), "application/json")
        .compose(response -> relay.cloudVertx.timer(2_000).compose(v -> {
          Promise<Throwable> outcome = Promise.promise();
          response.handler(b -> { });
          response.exceptionHandler(outcome::tryComplete);
          response.endHandler(v2 -> outcome.tryComplete(null));
          response.resume();
          return outcome.future();
        }))
        .onComplete(ctx.succeeding(failure -> ctx.verify(() -> {
          assertThat(failure).as("the client sees a broken answer, not a complete one").isNotNull();
          ctx.completeNow();
        })));
  }
}
