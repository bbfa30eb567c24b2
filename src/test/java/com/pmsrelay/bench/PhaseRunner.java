package com.pmsrelay.bench;

import com.pmsrelay.agent.exec.QueryExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * Runs the noisy-neighbour benchmark's phases: B at its rate, and A flooding or not, both until
 * answered, with the gauges. After each phase it waits until the relay is idle again, at most
 * {@value #SETTLE_MAX_MS} ms: the agent's queue empty, the cloud answering /health within 50 ms
 * (requests whose clients gave up may still be queued there), and its control store answering a
 * ping within 50 ms (the audit records of a flood may still be queued there).
 */
record PhaseRunner(BenchRelay relay, Vertx loadB, Vertx loadA, QueryTarget b, QueryTarget a, double bRate,
    double aRate, long settleMs, WebClient health, long[] generatorThreads) {
  static final long SETTLE_MAX_MS = 20_000;

  NoisyPhase phase(long durationMs, boolean flood) throws InterruptedException {
    PhaseMonitor monitor = PhaseMonitor.start(relay.executor, generatorThreads);
    StoreProbe store = relay.cloud == null ? null : StoreProbe.start(relay.cloud.database());
    long started = System.nanoTime();
    Future<Outcomes> bRun = OpenLoopLoad.run(loadB, b, bRate, durationMs);
    Future<Outcomes> aRun = flood ? OpenLoopLoad.run(loadA, a, aRate, durationMs) : Future.succeededFuture(new Outcomes());
    Future.join(bRun, aRun).await();
    JsonObject gauges = monitor.stop().put("wallMs", (System.nanoTime() - started) / 1_000_000);
    if (store != null) {
      gauges.put("storePing", store.stop());
    }
    long settled = settle();
    gauges.put("settleMs", settled).put("settled", settled < SETTLE_MAX_MS);
    return new NoisyPhase(flood ? "flood" : "alone", bRun.result(), aRun.result(), gauges);
  }

  private long settle() throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + SETTLE_MAX_MS * 1_000_000;
    Thread.sleep(settleMs);
    while (System.nanoTime() < deadline) {
      QueryExecutor.Load load = relay.executor.load();
      if (load.running() == 0 && load.queued() == 0 && cloudAnswersQuickly()
          && (relay.cloud == null || StoreProbe.pingMillis(relay.cloud.database()) < 50)) {
        break;
      }
      Thread.sleep(100);
    }
    return Math.min(SETTLE_MAX_MS, (System.nanoTime() - started) / 1_000_000);
  }

  private boolean cloudAnswersQuickly() {
    if (health == null) {
      return true;
    }
    long sent = System.nanoTime();
    try {
      health.get("/health").timeout(1_000).send().await();
    } catch (RuntimeException e) {
      return false;
    }
    return System.nanoTime() - sent < 50_000_000L;
  }
}
