package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The executor's protection of a real (H2) database, counted at the database: the hard cap under a
 * burst, time-outs that cancel the statement and free the worker, the circuit breaker, and shared
 * execution of identical queries.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class QueryExecutorTest {
  static final int CAP = 4;
  Vertx vertx;
  Server tcp;
  String url;
  PooledPms pms;
  QueryExecutor executor;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    DbProbe.reset();
    tcp = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    url = "jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:protect" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    JdbcDataSource source = new JdbcDataSource();
    source.setURL(url);
    try (Connection c = source.getConnection()) {
      c.createStatement().execute("CREATE ALIAS HOLD FOR \"" + DbProbe.class.getName() + ".hold\"");
      c.createStatement().execute("CREATE TABLE Numbers (N INT PRIMARY KEY)");
      c.createStatement().execute("INSERT INTO Numbers SELECT X FROM SYSTEM_RANGE(1, 2000)");
    }
    pms = PooledPms.of("test", "h2", Map.of("Test", source), CAP);
    AgentConfig.Exec caps = new AgentConfig.Exec(CAP, 20, 20, 60_000, 60_000, 100_000, 64 << 20, 100, 256 * 1024, 65_536,
        3, 1_500, 1_000); // breaker: 3 failures, then refuse for 1.5 s
    executor = new QueryExecutor(vertx, pms, caps, new SqlGuard(65_536, java.util.Set.of("HOLD")));
  }

  @AfterEach
  void stop() {
    executor.close();
    pms.close();
    tcp.stop();
    vertx.close().await();
  }

  /**
   * Collects one query's stream as the cloud would read it (decoding each message's wire form);
   * completes with a view of its last message: {@code {"kind": "end", "rowCount"}} or
   * {@code {"kind": "error", "code", "detail"}}.
   */
  static final class Collector implements ResultSink {
    final List<ResultMessage> messages = new ArrayList<>();
    /** The parts of each message: what went to the cloud in one write. */
    final List<List<String>> writes = new ArrayList<>();
    final Promise<JsonObject> done = Promise.promise();
    /** Cleared as the link does when the cloud cancels the query or the connection is lost. */
    volatile boolean open = true;

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public synchronized boolean send(Outgoing sent, long deadlineNanos) {
      ResultMessage message;
      try {
        message = ResultMessage.decode(sent.body());
      } catch (ResultMessage.MalformedException e) {
        throw new AssertionError(e);
      }
      messages.add(message);
      List<String> parts = new ArrayList<>();
      if (message.columns() != null) {
        parts.add("columns");
      }
      if (!message.rows().isEmpty()) {
        parts.add("rows");
      }
      if (message.end() != null) {
        parts.add("end");
      }
      if (message.error() != null) {
        parts.add("error");
      }
      writes.add(parts);
      if (message.end() != null) {
        done.tryComplete(new JsonObject().put("kind", "end").put("rowCount", message.end().rowCount())
            .put("truncated", message.end().truncated()));
      } else if (message.error() != null) {
        done.tryComplete(new JsonObject().put("kind", "error").put("code", message.error().code().code())
            .put("detail", message.error().detail()));
      }
      return true;
    }

    synchronized JsonArray rows() {
      JsonArray rows = new JsonArray();
      messages.forEach(m -> rows.addAll(m.rows().decode()));
      return rows;
    }
  }

  static QueryRequest query(String client, String sql, JsonArray params, long timeoutMs) {
    return new QueryRequest(UUID.randomUUID().toString(), "p", client, sql, params, null, timeoutMs, 10_000, 1_000,
        Long.MAX_VALUE, 1, new JsonArray(), QueryRequest.DEFAULT_CREDIT);
  }

  Future<JsonObject> run(QueryRequest q, Collector c) {
    executor.submit(q, c);
    return c.done.future();
  }

  @Test
  void registeredRunsLeaveTheLastSlotToInteractiveQueries(VertxTestContext ctx) {
    // Six background runs (registered queries) of six integrators: with the default one slot reserved,
    // at most CAP - 1 reach the database, and an interactive query arriving then starts at once.
    List<Future<JsonObject>> background = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Collector c = new Collector();
      executor.submitBackground(query("registered" + i, "SELECT HOLD(2000, ?)", new JsonArray().add(i), 30_000), c);
      background.add(c.done.future());
    }
    vertx.setTimer(800, t -> { // the guard's first checks (a cold parser) take a while
      int runningBackground = DbProbe.CURRENT.get();
      long submitted = System.nanoTime();
      run(query("online", "SELECT HOLD(10, 99)", new JsonArray(), 30_000), new Collector()).onComplete(ctx.succeeding(
          answer -> ctx.verify(() -> {
            long tookMs = (System.nanoTime() - submitted) / 1_000_000;
            assertThat(runningBackground).as("background runs on the database").isEqualTo(CAP - 1);
            assertThat(answer.getString("kind")).isEqualTo("end");
            assertThat(tookMs).as("the interactive query did not wait for a background run to end").isLessThan(300);
            assertThat(background).as("background runs still underway or waiting").allMatch(f -> !f.isComplete());
            ctx.completeNow();
          })));
    });
  }

  @Test
  void interactiveQueriesGoBeforeWaitingRegisteredRuns(VertxTestContext ctx) {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    // Fill every slot with interactive queries, then queue a background run before an interactive one.
    // Both wait for the busy ones (held 3 s, far longer than queueing two takes on a starved machine).
    for (int i = 0; i < CAP; i++) {
      run(query("busy" + i, "SELECT HOLD(3000, ?)", new JsonArray().add(i), 30_000), new Collector());
    }
    vertx.setPeriodic(20, id -> {
      if (executor.load().running() < CAP) {
        return;
      }
      vertx.cancelTimer(id);
      Collector later = new Collector();
      executor.submitBackground(query("registered", "SELECT HOLD(10, 1)", new JsonArray(), 30_000), later);
      later.done.future().onSuccess(v -> order.add("registered"));
      run(query("online", "SELECT HOLD(10, 2)", new JsonArray(), 30_000), new Collector())
          .onSuccess(v -> order.add("online"));
      later.done.future().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(order).as("finished first").first().isEqualTo("online");
        ctx.completeNow();
      })));
    });
  }

  @Test
  void theDatabaseNeverSeesMoreThanTheCapUnderABurst(VertxTestContext ctx) {
    int burst = 10 * CAP + 20; // ten times the cap, plus the queue
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      answers.add(run(query("client" + (i % 3), "SELECT HOLD(100, ?)", new JsonArray().add(i), 30_000), new Collector()));
    }
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      long ended = answers.stream().filter(f -> "end".equals(f.result().getString("kind"))).count();
      long queueFull = answers.stream().filter(f -> "queue_full".equals(f.result().getString("code"))).count();
      assertThat(DbProbe.MAX.get()).as("concurrency seen by the database").isBetween(1, CAP);
      assertThat(ended + queueFull).isEqualTo(burst);
      assertThat(queueFull).as("the burst overflows the queue").isPositive();
      assertThat(ended).isGreaterThanOrEqualTo(CAP + 20L - 1);
      ctx.completeNow();
    })));
  }

  @Test
  void aQueryPastItsTimeoutIsCancelledOnTheDatabaseAndTheWorkerFreed(VertxTestContext ctx) {
    String slow = "SELECT COUNT(*) FROM Numbers a CROSS JOIN Numbers b CROSS JOIN Numbers c";
    long started = System.nanoTime();
    List<Future<JsonObject>> slowOnes = new ArrayList<>();
    for (int i = 0; i < CAP; i++) { // occupy every worker with a statement that would run for minutes
      slowOnes.add(run(query("c" + i, slow + " WHERE a.N > ?", new JsonArray().add(i), 500), new Collector()));
    }
    Future.all(slowOnes)
        .compose(timedOut -> {
          ctx.verify(() -> {
            for (Future<JsonObject> f : slowOnes) {
              assertThat(f.result().getString("code")).isEqualTo("query_timeout");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
          });
          return vertx.executeBlocking(this::statementsRunningOnTheDatabase);
        })
        .compose(running -> {
          ctx.verify(() -> assertThat(running).as("statements still executing in the database").isZero());
          return run(query("after", "SELECT COUNT(*) FROM Numbers", new JsonArray(), 5_000), new Collector());
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertThat(after.getString("kind")).as("the workers are free again").isEqualTo("end");
          ctx.completeNow();
        })));
  }

  /**
   * The cloud gave up on a query (no acknowledgement: the agent was frozen) and cancels it in the
   * same breath as it arrives; or the link is lost just after it came. Its SQL is new, so it is
   * still being checked on a worker when the cancel comes: the query must not reach the database
   * once the check is done, since no one will read its answer.
   */
  @Test
  void aQueryCancelledWhileItsSqlIsCheckedNeverReachesTheDatabase(VertxTestContext ctx) {
    Collector cancelled = new Collector();
    QueryRequest q = query("a", "SELECT HOLD(300, 7) AS N FROM Numbers WHERE N = 1", new JsonArray(), 5_000);
    executor.submit(q, cancelled);
    cancelled.open = false; // what the link does on the cloud's cancel, or when it loses the connection,
    executor.cancel(q.queryId()); // before it tells the executor
    vertx.setTimer(1_500, id -> ctx.verify(() -> {
      assertThat(DbProbe.CALLS.get()).as("executions at the database").isZero();
      assertThat(cancelled.messages).as("messages to a reader that is gone").isEmpty();
      ctx.completeNow();
    }));
  }

  private int statementsRunningOnTheDatabase() throws Exception {
    // Give the cancelled statements a moment to unwind inside the engine.
    long deadline = System.currentTimeMillis() + 3_000;
    int running;
    do {
      JdbcDataSource source = new JdbcDataSource();
      source.setURL(url);
      try (Connection c = source.getConnection();
           ResultSet rs = c.createStatement().executeQuery(
               "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE '%CROSS JOIN%' "
                   + "AND SESSION_ID <> SESSION_ID()")) {
        rs.next();
        running = rs.getInt(1);
      }
      if (running > 0) {
        Thread.sleep(50);
      }
    } while (running > 0 && System.currentTimeMillis() < deadline);
    return running;
  }

  @Test
  void circuitOpensWhileTheDatabaseIsDownAndClosesWhenItIsBack(VertxTestContext ctx) {
    int port = tcp.getPort();
    run(query("a", "SELECT COUNT(*) FROM Numbers", new JsonArray(), 5_000), new Collector())
        .compose(first -> {
          tcp.stop(); // the practice's database goes away
          return atOnce(3, 5_000);
        })
        .compose(failures -> eventually(() -> executor.load().circuit().equals("OPEN")).map(failures))
        .compose(failures -> {
          ctx.verify(() -> {
            for (JsonObject f : failures) {
              assertThat(f.getString("code")).isEqualTo("pms_unavailable");
            }
          });
          long before = System.nanoTime();
          return run(query("a", "SELECT N FROM Numbers WHERE N = 1", new JsonArray(), 5_000), new Collector())
              .map(fast -> {
                ctx.verify(() -> {
                  assertThat(fast.getString("code")).isEqualTo("pms_unavailable");
                  assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("refused at once").isLessThan(200);
                });
                return fast;
              });
        })
        .compose(open -> vertx.executeBlocking(() -> {
          tcp = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start(); // it is back
          JdbcDataSource source = new JdbcDataSource();
          source.setURL(url);
          try (Connection c = source.getConnection()) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS Numbers (N INT PRIMARY KEY)");
            c.createStatement().execute("MERGE INTO Numbers KEY (N) VALUES (1)");
          }
          Thread.sleep(1_700); // past the reset time-out: the circuit lets a trial through
          return null;
        }))
        .compose(back -> retryUntilEnd(10))
        .compose(end -> eventually(() -> executor.load().circuit().equals("CLOSED")).map(end))
        .onComplete(ctx.succeeding(end -> ctx.verify(() -> {
          assertThat(end.getString("kind")).isEqualTo("end");
          ctx.completeNow();
        })));
  }

  @Test
  void aDeadlinePassedWhileWaitingForAConnectionToADownDatabaseIsPmsUnavailableAndOpensTheCircuit(VertxTestContext ctx) {
    // The pool waits up to 5 s for a connection; these queries' time-out is 1 s. Before, the deadline
    // won, the answer was query_timeout and the circuit never counted a failure, so on a dead server
    // queries with short time-outs each held a worker for 5 s and the circuit stayed closed.
    run(query("a", "SELECT COUNT(*) FROM Numbers", new JsonArray(), 5_000), new Collector())
        .compose(first -> vertx.executeBlocking(() -> {
          tcp.stop();
          Thread.sleep(700); // idle past the pool's 500 ms: it checks the connection, finds it dead, must make one
          return null;
        }))
        .compose(down -> atOnce(3, 1_000))
        .compose(answers -> eventually(() -> executor.load().circuit().equals("OPEN")).map(answers))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers).extracting(a -> a.getString("code")).containsOnly("pms_unavailable");
          ctx.completeNow();
        })));
  }

  /** Completes when {@code condition} holds (checked every 10 ms), failing after two seconds. */
  private Future<Void> eventually(java.util.function.BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + 2_000;
    vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        promise.tryFail("condition not met within 2 s");
      }
    });
    return promise.future();
  }

  private Future<JsonObject> retryUntilEnd(int attempts) {
    return run(query("a", "SELECT N FROM Numbers WHERE N = 1", new JsonArray(), 5_000), new Collector())
        .compose(r -> "end".equals(r.getString("kind")) || attempts <= 1 ? Future.succeededFuture(r)
            : Future.<Void>future(p -> vertx.setTimer(200, id -> p.complete())).compose(v -> retryUntilEnd(attempts - 1)));
  }

  /**
   * Runs {@code n} different statements at once. Together, so a slow wait for a connection cannot
   * spread them past the circuit's 10 s window; different, as identical ones share one execution.
   */
  private Future<List<JsonObject>> atOnce(int n, long timeoutMs) {
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(run(query("client" + i, "SELECT COUNT(*) FROM Numbers WHERE N > ?", new JsonArray().add(i), timeoutMs),
          new Collector()));
    }
    return Future.all(answers).map(all -> all.<JsonObject>list());
  }

  @Test
  void identicalQueriesShareOneExecution(VertxTestContext ctx) {
    List<Collector> collectors = new ArrayList<>();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Collector c = new Collector();
      collectors.add(c);
      answers.add(run(query("integrator" + i, "SELECT HOLD(400, 7) AS Tag", new JsonArray(), 10_000), c));
    }
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertThat(DbProbe.CALLS.get()).as("executions on the database").isEqualTo(1);
      for (Collector c : collectors) {
        assertThat(c.done.future().result().getString("kind")).isEqualTo("end");
        assertThat(c.rows()).isEqualTo(new JsonArray().add(new JsonArray().add(7)));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void aSmallResultIsOneWriteAndALargeOneGoesChunkByChunk(VertxTestContext ctx) {
    Collector one = new Collector();
    Collector many = new Collector(); // 250 rows: chunks of 100, 100 and 50
    Future.all(run(query("a", "SELECT N FROM Numbers WHERE N = ?", new JsonArray().add(7), 10_000), one),
            run(query("b", "SELECT N FROM Numbers WHERE N <= 250 ORDER BY N", new JsonArray(), 10_000), many))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(one.writes).containsExactly(List.of("columns", "rows", "end"));
          assertThat(one.rows()).isEqualTo(new JsonArray().add(new JsonArray().add(7)));
          assertThat(many.writes).containsExactly(List.of("columns", "rows"), List.of("rows"), List.of("rows", "end"));
          assertThat(many.messages).extracting(ResultMessage::seq).containsExactly(0L, 1L, 2L);
          assertThat(many.rows().size()).isEqualTo(250);
          assertThat(many.done.future().result().getLong("rowCount")).isEqualTo(250L);
          ctx.completeNow();
        })));
  }

  @Test
  void differentParametersAreNotShared(VertxTestContext ctx) {
    Future.all(run(query("a", "SELECT HOLD(100, ?)", new JsonArray().add(1), 10_000), new Collector()),
            run(query("b", "SELECT HOLD(100, ?)", new JsonArray().add(2), 10_000), new Collector()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(DbProbe.CALLS.get()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void aGreedyIntegratorLeavesASlotForOthers(VertxTestContext ctx) {
    List<Future<JsonObject>> greedy = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      greedy.add(run(query("greedy", "SELECT HOLD(400, ?)", new JsonArray().add(i), 10_000), new Collector()));
    }
    vertx.setTimer(100, id -> {
      long started = System.nanoTime();
      run(query("modest", "SELECT HOLD(10, 1)", new JsonArray(), 10_000), new Collector()).onComplete(ctx.succeeding(r -> {
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        ctx.verify(() -> {
          assertThat(r.getString("kind")).isEqualTo("end");
          assertThat(tookMs).as("the modest query did not wait for a greedy one to finish").isLessThan(300);
          assertThat(DbProbe.MAX.get()).isLessThanOrEqualTo(CAP);
        });
        Future.all(greedy).onComplete(ctx.succeedingThenComplete());
      }));
    });
  }
}
