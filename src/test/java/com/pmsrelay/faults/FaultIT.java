package com.pmsrelay.faults;

import static com.pmsrelay.faults.Timing.awaitTrue;
import static com.pmsrelay.faults.Timing.ms;
import static com.pmsrelay.faults.Timing.percentile;
import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.faults.Answer.Kind;
import com.pmsrelay.faults.IntegratorClient.Integrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of real processes on real sockets (loopback only): the packaged jar's cloud and an agent,
 * each in its own JVM, killed, frozen and stopped while integrators' queries are underway; the
 * database in this JVM counts what really ran ({@link CountingPms}). The scenarios share one relay
 * and run in order; the last one stops the cloud for good. Each prints its figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {
  static final int TRIALS = 20;
  /** The cloud's {@code shutdownGraceMs} here (20 s by default): more than the SIGTERM load's queries need, less than one held past it. */
  static final long GRACE_MS = 4_000;
  /** The agent's {@code pingIntervalMs} (its default): the heartbeat interval. */
  static final long PING_INTERVAL_MS = 30_000;
  static final long BACK_WITHIN_MS = 5_000;
  /**
   * Rows a stream has produced at the database once the integrator has some of them: the agent
   * fetches 500 at a time and sends chunks of 500, and the cloud answers 200 with the first rows.
   */
  static final int MID_STREAM_ROWS = 1_500;
  /** About a hundred rows of {@code SlowRows} as NDJSON. */
  static final int MID_STREAM_BYTES = 10_000;

  FaultRelay relay;

  @BeforeAll
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void start() throws Exception {
    Path jar = PackagedJar.required();
    Path dir = Files.createTempDirectory(Files.createDirectories(jar.toAbsolutePath().getParent().resolve("faults")), "run-");
    relay = FaultRelay.start(dir, jar, GRACE_MS);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (relay != null) {
      relay.close();
    }
  }

  /**
   * Kill the cloud (SIGKILL) while long streams and held statements of three integrators are
   * underway, then restart it on the same ports and data directory, {@value #TRIALS} times.
   */
  @Test
  @Order(1)
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void cloudKilledMidQuery() throws Exception {
    Random random = new Random(20261202);
    List<Long> backMs = new ArrayList<>();
    List<Long> authenticatedMs = new ArrayList<>();
    List<Long> dbStoppedMs = new ArrayList<>();
    List<Answer> answers = new ArrayList<>();
    int runningAfter2s = 0;
    for (int trial = 1; trial <= TRIALS; trial++) {
      List<CompletableFuture<Answer>> sent = new ArrayList<>();
      // Answered before the kill: they must arrive whole, the truncated one marked so.
      sent.add(send(0, Query.quick(tag(), true)));
      sent.add(send(1, Query.truncated(tag(), false)));
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
      // Underway at the kill: a stream mid-way and a statement held on the database, then more of
      // both from a third integrator, running or queued at the agent (its adaptive limit falls
      // towards 2 while statements are held this long).
      Query stream = Query.stream(tag(), CountingPms.SLOW_ROWS, true);
      Query held = Query.held(tag(), 6_000, false);
      sent.add(send(0, stream));
      sent.add(send(1, held));
      awaitTrue(Duration.ofSeconds(15), "a held statement and a stream started", () -> isHeld(held) && rowsOf(stream) > 0);
      sent.add(send(2, Query.stream(tag(), 6_000, false)));
      sent.add(send(2, Query.held(tag(), 6_000, true)));
      sent.add(send(1, Query.held(tag(), 6_000, false)));
      awaitTrue(Duration.ofSeconds(15), "the stream mid-way", () -> rowsOf(stream) >= MID_STREAM_ROWS);
      Thread.sleep(random.nextInt(400)); // vary how far the streams got

      long killed = System.nanoTime();
      relay.cloud.kill();
      relay.launchCloud(); // boots while the checks below run
      List<Answer> trialAnswers = new ArrayList<>();
      for (CompletableFuture<Answer> f : sent) {
        trialAnswers.add(f.get());
      }
      answers.addAll(trialAnswers);
      List<String> trialTags = trialAnswers.stream().map(a -> a.query().tag()).toList();
      sleepUntil(killed + TimeUnit.SECONDS.toNanos(2));
      int running = relay.pms.statementsRunning(trialTags);
      runningAfter2s += running;

      ChildProcess.Matched up = relay.awaitCloudUp();
      // Queries only once the agent is in: probing earlier would load the cold cloud while it shakes hands.
      ChildProcess.Matched authenticated = relay.cloud.awaitLine(FaultRelay.AGENT_AUTHENTICATED, Duration.ofSeconds(30));
      long back = relay.awaitServing(Duration.ofSeconds(30));
      backMs.add(ms(back - up.nanos()));
      authenticatedMs.add(ms(authenticated.nanos() - up.nanos()));
      dbStoppedMs.add(trialTags.stream().mapToLong(t -> ms(CountingPms.tally(t).lastRowNanos - killed)).max().orElse(0));
      System.out.printf("trial %2d: cloud up %5d ms after the kill, agent authenticated %5d ms and a query back %5d ms after that;"
          + " old statements running 2 s after the kill: %d; %s%n", trial, ms(up.nanos() - killed),
          authenticatedMs.get(trial - 1), backMs.get(trial - 1), running, kinds(trialAnswers));
    }

    Map<Kind, Integer> kinds = kinds(answers);
    Map<String, Integer> executions = executions(answers);
    CountingPms.Runs runs = CountingPms.runs();
    System.out.printf("scenario 1, cloud SIGKILLed mid-query, %d trials: agent back (a query succeeds) after the restarted cloud"
            + " is up: p50 %d ms, p99 %d ms, max %d ms (authenticated: p99 %d ms); answers %s; of the %d trial queries %d ran"
            + " once, %d never (dropped from the agent's queue), %d twice; queries run twice of all %d the database ran"
            + " (recovery probes too): %d; statements of the dead cloud's link still running 2 s after the kill: %d; the"
            + " database's last row for them came at most %d ms after the kill%n",
        TRIALS, percentile(backMs, 50), percentile(backMs, 99), Collections.max(backMs), percentile(authenticatedMs, 99),
        kinds, executions.size(), count(executions, n -> n == 1), count(executions, n -> n == 0),
        count(executions, n -> n > 1), runs.ran(), runs.ranTwice(), runningAfter2s, Collections.max(dbStoppedMs));

    assertThat(percentile(backMs, 99)).as("p99 ms from the cloud's return to a successful query").isLessThanOrEqualTo(BACK_WITHIN_MS);
    assertThat(kinds.getOrDefault(Kind.FALSE_SUCCESS, 0)).as("answers passing for whole that are not").isZero();
    assertThat(kinds.getOrDefault(Kind.HUNG, 0)).as("requests left hanging").isZero();
    assertThat(kinds.get(Kind.COMPLETE)).as("the answers due before each kill").isGreaterThanOrEqualTo(2 * TRIALS);
    assertThat(runs.ranTwice()).as("queries run twice").isZero();
    answers.stream().filter(a -> a.kind() == Kind.COMPLETE)
        .forEach(a -> assertThat(executions.get(a.query().tag())).as("executions of an answered query").isEqualTo(1));
    assertThat(runningAfter2s).as("statements of the old link running 2 s after the kill").isZero();
    assertThat(Collections.max(dbStoppedMs)).as("ms after the kill the database still produced rows for the old link")
        .isLessThan(2_000);
  }

  /** Kill the agent (SIGKILL) while a statement is held and a stream is mid-way. */
  @Test
  @Order(2)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void agentKilledMidQuery() throws Exception {
    relay.ensureServing();
    Query held = Query.held(tag(), 8_000, false);
    Query stream = Query.stream(tag(), CountingPms.SLOW_ROWS, true);
    CompletableFuture<Answer> heldAnswer = send(1, held);
    CompletableFuture<Answer> streamAnswer = send(0, stream);
    // Mid-way at the integrator: rows have reached it (the database runs ahead by the agent's fetch).
    awaitTrue(Duration.ofSeconds(15), "a held statement and a stream mid-way",
        () -> isHeld(held) && rowsOf(stream) >= MID_STREAM_ROWS && relay.bytesReceived(stream) >= MID_STREAM_BYTES);

    long killed = System.nanoTime();
    relay.agent.kill();
    Answer h = heldAnswer.get();
    Answer s = streamAnswer.get();
    long sentNext = System.nanoTime();
    Answer next = send(2, Query.quick(tag(), false)).get();
    System.out.printf("scenario 2, agent SIGKILLed mid-query: the held query's answer %d %s after %d ms (Retry-After %s),"
            + " the NDJSON stream ended without its end line (%s) after %d ms, a new query got %d %s in %d ms;"
            + " heartbeat interval %d ms%n",
        h.status(), h.code(), ms(h.atNanos() - killed), h.retryAfter(), s.kind(), ms(s.atNanos() - killed), next.status(),
        next.code(), ms(next.atNanos() - sentNext), PING_INTERVAL_MS);

    assertThat(h.is(503, "agent_offline")).as(h.toString()).isTrue();
    assertThat(h.retryAfter()).isNotNull();
    assertThat(ms(h.atNanos() - killed)).as("ms to the integrator's error").isLessThan(PING_INTERVAL_MS);
    assertThat(s.kind()).as(s.toString()).isEqualTo(Kind.INCOMPLETE);
    assertThat(ms(s.atNanos() - killed)).as("ms to the end of the broken stream").isLessThan(PING_INTERVAL_MS);
    assertThat(next.is(503, "agent_offline")).as(next.toString()).isTrue();

    relay.startAgent();
    relay.awaitServing(Duration.ofSeconds(30));
  }

  /** Freeze the agent (SIGSTOP) with its connection up; thaw it (SIGCONT) at the end. */
  @Test
  @Order(3)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void frozenAgent() throws Exception {
    relay.ensureServing();
    List<Answer> frozen = new ArrayList<>();
    long stopped;
    String statusWhileFrozen;
    long unreachableMs;
    relay.agent.signal("STOP");
    try {
      stopped = System.nanoTime();
      CompletableFuture<Answer> first = send(1, Query.held(tag(), 500, false));
      CompletableFuture<Answer> second = send(2, Query.quick(tag(), true));
      frozen.add(first.get());
      frozen.add(second.get());
      long answered = System.nanoTime();
      awaitTrue(Duration.ofSeconds(5), "the agent shown unreachable", () -> "unreachable".equals(relay.agentStatus(who(0))));
      unreachableMs = ms(System.nanoTime() - answered);
      statusWhileFrozen = relay.agentStatus(who(0));
      frozen.add(send(0, Query.quick(tag(), false)).get());
    } finally {
      relay.agent.signal("CONT");
    }
    long thawed = System.nanoTime();
    long back = relay.awaitServing(Duration.ofSeconds(30));
    awaitTrue(Duration.ofSeconds(5), "the agent shown online", () -> "online".equals(relay.agentStatus(who(0))));
    Map<String, Integer> executions = executions(frozen);
    System.out.printf("scenario 3, agent frozen (SIGSTOP): queries sent to it answered %s after %d and %d ms, the next one %d %s"
            + " after %d ms; /v1/practices showed it %s %d ms after the first answers; after SIGCONT a query succeeded"
            + " %d ms later (the agent, finding itself paused, reconnects); the frozen queries ran at the"
            + " database %s times%n",
        frozen.get(0).status(), ms(frozen.get(0).atNanos() - stopped), ms(frozen.get(1).atNanos() - stopped),
        frozen.get(2).status(), frozen.get(2).code(), ms(frozen.get(2).atNanos() - frozen.get(1).atNanos()),
        statusWhileFrozen, unreachableMs, ms(back - thawed), executions.values());

    for (Answer a : frozen) {
      assertThat(a.is(503, "agent_offline")).as(a.toString()).isTrue();
      assertThat(a.retryAfter()).isNotNull();
    }
    assertThat(ms(Math.max(frozen.get(0).atNanos(), frozen.get(1).atNanos()) - stopped)).as("ms to the 503s")
        .isLessThanOrEqualTo(5_000);
    assertThat(statusWhileFrozen).isEqualTo("unreachable");
    assertThat(executions.values()).as("queries answered 503 that still ran at the database once it woke").containsOnly(0);
  }

  /** SIGTERM to the cloud while three integrators keep it busy: every request gets an answer, then it exits by itself. */
  @Test
  @Order(4)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cloudTerminatedUnderLoad() throws Exception {
    relay.ensureServing();
    List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    Query longest = Query.held(tag(), 15_000, false);
    CompletableFuture<Answer> pastGrace = send(2, longest);
    awaitTrue(Duration.ofSeconds(15), "a statement held past the grace period", () -> isHeld(longest));
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      int client = c;
      clients.add(new Thread(() -> answers.addAll(queryUntilRefused(who(client % 3), client)), "load-" + c));
    }
    clients.forEach(Thread::start);
    Thread.sleep(1_500);

    long terminated = System.nanoTime();
    relay.cloud.signal("TERM");
    int readyStatus = 0;
    long readyMs = -1;
    while (readyStatus != 503 && ms(System.nanoTime() - terminated) < 2_000) {
      try {
        readyStatus = relay.ready();
      } catch (java.io.IOException e) {
        break; // no longer listening: it never said 503
      }
      readyMs = ms(System.nanoTime() - terminated);
    }
    Integer exit = relay.cloud.awaitExit(Duration.ofMillis(GRACE_MS + 15_000));
    long exitMs = ms(System.nanoTime() - terminated);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    Answer beyond = pastGrace.get();
    answers.add(beyond);
    Map<Kind, Integer> kinds = kinds(answers);
    Map<String, Integer> codes = new TreeMap<>();
    answers.stream().filter(a -> a.kind() == Kind.PROBLEM).forEach(a -> codes.merge(a.status() + " " + a.code(), 1, Integer::sum));
    System.out.printf("scenario 4, cloud SIGTERMed under load (grace %d ms): %d requests: %s, problems %s; the query past the"
            + " grace got %d %s after %d ms; /ready answered %d %d ms after SIGTERM; the process exited (status %s) %d ms after"
            + " SIGTERM%n",
        GRACE_MS, answers.size(), kinds, codes, beyond.status(), beyond.code(), ms(beyond.atNanos() - terminated), readyStatus,
        readyMs, exit, exitMs);
    CountingPms.Runs runs = CountingPms.runs();
    System.out.printf("all scenarios: of %d queries the database ran, %d ran twice%n", runs.ran(), runs.ranTwice());

    assertThat(readyStatus).as("/ready while draining").isEqualTo(503);
    assertThat(exit).as("the cloud exited by itself").isNotNull();
    assertThat(exitMs).as("ms from SIGTERM to exit").isLessThanOrEqualTo(GRACE_MS + 5_000);
    assertThat(beyond.is(503, "shutting_down")).as(beyond.toString()).isTrue();
    for (Answer a : answers) {
      boolean answered = a.kind() == Kind.COMPLETE || a.kind() == Kind.PROBLEM && a.status() == 503 && a.retryAfter() != null;
      assertThat(answered).as("every request gets a whole 200 or a 503 with Retry-After: %s", a).isTrue();
    }
    assertThat(kinds.get(Kind.COMPLETE)).as("queries that finished within the grace").isGreaterThan(0);
    assertThat(runs.ranTwice()).as("queries run twice in all scenarios").isZero();
  }

  /** One integrator's client: queries one after another until one is not answered whole (a 503 sends it elsewhere). */
  private List<Answer> queryUntilRefused(Integrator who, int client) {
    List<Answer> got = new ArrayList<>();
    try {
      for (int i = 0; ; i++) {
        Query query = switch ((client + i) % 5) {
          case 0 -> Query.quick(tag(), false);
          case 1 -> Query.stream(tag(), 500, false);
          case 2 -> Query.held(tag(), 300, false);
          case 3 -> Query.stream(tag(), 500, true);
          default -> Query.truncated(tag(), true);
        };
        Answer a = relay.send(who, query).get();
        got.add(a);
        if (a.kind() != Kind.COMPLETE) {
          return got;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean isHeld(Query query) throws java.sql.SQLException {
    return relay.pms.statementsRunning(List.of(query.tag())) == 1;
  }

  private static long rowsOf(Query query) {
    return CountingPms.tally(query.tag()).rows.get();
  }

  private CompletableFuture<Answer> send(int integrator, Query query) throws Exception {
    return relay.send(who(integrator), query);
  }

  private Integrator who(int integrator) {
    return relay.integrators.get(integrator);
  }

  private String tag() {
    try {
      return relay.pms.newTag();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How often the database ran each answer's query. */
  private static Map<String, Integer> executions(Collection<Answer> answers) {
    Map<String, Integer> executions = new TreeMap<>();
    answers.forEach(a -> executions.put(a.query().tag(), CountingPms.tally(a.query().tag()).executions.get()));
    return executions;
  }

  private static Map<Kind, Integer> kinds(Collection<Answer> answers) {
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    answers.forEach(a -> kinds.merge(a.kind(), 1, Integer::sum));
    return kinds;
  }

  private static long count(Map<String, Integer> executions, java.util.function.IntPredicate which) {
    return executions.values().stream().filter(which::test).count();
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
