package com.pmsrelay.agent.exec;

import com.pmsrelay.common.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the agent's executor counts: runs on the database by integrator and outcome
 * ({@code pmsrelay_agent_queries_total}), queries refused before they reached it by code
 * ({@code pmsrelay_agent_refusals_total}), and time queued and running. Its queue depth, limit
 * and circuit are gauges the agent reads from {@link QueryExecutor#load()}.
 */
public final class ExecutorMeters {
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
      Duration.ofSeconds(120)};

  private final MeterRegistry registry;
  private final Timer queued;
  private final Timer executed;
  /** The run counters, made once each (the integrators enabled at the practice, by outcome). */
  private final java.util.concurrent.ConcurrentHashMap<RunKey, Counter> runs = new java.util.concurrent.ConcurrentHashMap<>();

  private record RunKey(String integrator, JdbcRunner.Outcome outcome) {}

  public ExecutorMeters(MeterRegistry registry) {
    this.registry = registry;
    this.queued = Timer.builder("pmsrelay_agent_queue").description("time queries waited in the agent's queue")
        .serviceLevelObjectives(BUCKETS).register(registry);
    this.executed = Timer.builder("pmsrelay_agent_execution").description("time queries ran on the practice database")
        .serviceLevelObjectives(BUCKETS).register(registry);
  }

  void ran(String integrator, JdbcRunner.Outcome outcome, long queuedNanos, long runNanos) {
    runs.computeIfAbsent(new RunKey(integrator, outcome), k -> Counter.builder("pmsrelay_agent_queries")
        .description("runs on the practice database by outcome")
        .tags("integrator", integrator, "outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry))
        .increment();
    queued.record(queuedNanos, TimeUnit.NANOSECONDS);
    executed.record(runNanos, TimeUnit.NANOSECONDS);
  }

  void refused(ErrorCode code) {
    Counter.builder("pmsrelay_agent_refusals").description("queries refused before they reached the database")
        .tag("code", code.code()).register(registry).increment();
  }
}
