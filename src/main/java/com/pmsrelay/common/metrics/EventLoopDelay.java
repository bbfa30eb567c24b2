package com.pmsrelay.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How late each event loop runs a timer set {@value #TICK_MS} ms ahead: a loop kept busy (a
 * blocking call, a huge row on it) delays everything it serves by that much. One probe per event
 * loop, {@code pmsrelay_event_loop_delay_seconds} over all of them (its max is the worst loop).
 */
public final class EventLoopDelay extends VerticleBase {
  static final long TICK_MS = 100;
  private final Timer delay;
  private long expectedNanos;

  private EventLoopDelay(Timer delay) {
    this.delay = delay;
  }

  /** Deploys a probe on each of the (default-sized) event loops of {@code vertx}. */
  public static Future<String> deploy(Vertx vertx, MeterRegistry registry) {
    Timer delay = Timer.builder("pmsrelay_event_loop_delay")
        .description("how late event loops ran a timer: their backlog of work")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
        .register(registry);
    return vertx.deployVerticle(() -> new EventLoopDelay(delay),
        new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
  }

  @Override
  public Future<?> start() {
    expectedNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    vertx.setPeriodic(TICK_MS, id -> {
      long now = System.nanoTime();
      delay.record(Math.max(0, now - expectedNanos), TimeUnit.NANOSECONDS);
      expectedNanos = now + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    });
    return Future.succeededFuture();
  }
}
