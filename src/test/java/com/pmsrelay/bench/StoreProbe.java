package com.pmsrelay.bench;

import com.pmsrelay.cloud.store.Database;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * How long the cloud's control store takes to answer a ping, every 250 ms from a plain thread. The
 * ping waits for one of the store's pooled connections behind everything else there (grant and
 * integrator loads, audit records of every query attempt), so its latency is that queue's delay.
 */
final class StoreProbe {
  private final Database database;
  private final LatencyRecorder pings = new LatencyRecorder();
  private final Thread thread;
  private volatile boolean running = true;

  private StoreProbe(Database database) {
    this.database = database;
    this.thread = new Thread(this::probe, "bench-store-probe");
    thread.setDaemon(true);
  }

  static StoreProbe start(Database database) {
    StoreProbe probe = new StoreProbe(database);
    probe.thread.start();
    return probe;
  }

  /** One ping's latency in ms, or the time-out (10 s) if it did not answer. */
  static double pingMillis(Database database) {
    long sent = System.nanoTime();
    try {
      database.ping().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return 10_000;
    }
    return (System.nanoTime() - sent) / 1e6;
  }

  private void probe() {
    while (running) {
      pings.record((long) (pingMillis(database) * 1e6));
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops probing; the pings' count, p50 and max in ms. */
  JsonObject stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(11_000);
    return new JsonObject().put("count", pings.count()).put("p50Ms", Spread.round(pings.percentileMillis(50)))
        .put("maxMs", Spread.round(pings.percentileMillis(100)));
  }
}
