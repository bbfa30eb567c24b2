package com.pmsrelay.cloud.metrics;

import com.pmsrelay.cloud.store.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's own meters at a cloud node, by practice and integrator (each grant is one series, so
 * their number follows the grants, never the traffic):
 * <ul>
 *   <li>{@code pmsrelay_queries_total{practice,integrator,kind,outcome}}: every attempt the audit
 *       log records (kind {@code query}, {@code schema} or {@code registered}; outcome
 *       {@code succeeded} or the error code), counted where it is audited so none is missed;</li>
 *   <li>{@code pmsrelay_query_rows_total}, {@code pmsrelay_query_bytes_total}: what they returned;</li>
 *   <li>{@code pmsrelay_query_queue_seconds}, {@code pmsrelay_query_execution_seconds}: as the agent
 *       measured them; {@code pmsrelay_query_seconds}: the whole query as the integrator waited for it
 *       (immediate: request to last row sent; async: submission to result kept);</li>
 *   <li>{@code pmsrelay_token_requests_total{outcome}}.</li>
 * </ul>
 * The three latency histograms are the larger part of a scrape (about 6 KB a grant): an operator
 * with many thousands of grants keeps them by practice or for the whole node instead
 * ({@link LatencyBy}); the counters stay per grant.
 * The bridge's meters are in {@code cloud.bridge}, the monitor's alerts in {@code cloud.monitor}.
 */
public final class RelayMeters {
  /** What the latency histograms are kept by ({@code management.latencyHistograms}). */
  public enum LatencyBy {
    /** Each grant: by practice and integrator. */
    GRANT,
    /** Each practice, its integrators together. */
    PRACTICE,
    /** The whole node: no labels. */
    NODE;

    /** The names the configuration takes. */
    public static final java.util.List<String> NAMES = java.util.List.of("grant", "practice", "node");

    public static LatencyBy of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** Buckets from a quick lookup to the longest query a grant allows. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(120)};

  private final MeterRegistry registry;
  private final LatencyBy latencyBy;
  /** Each grant's meters, made once: a query looks them up by one key instead of building six meter ids. */
  private final ConcurrentHashMap<GrantKey, GrantMeters> grants = new ConcurrentHashMap<>();
  /** Each grant's attempt counters by kind and outcome. */
  private final ConcurrentHashMap<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();

  private record GrantKey(String practice, String integrator) {}

  private record AttemptKey(String practice, String integrator, String kind, String outcome) {}

  private record GrantMeters(Counter rows, Counter bytes, Timer queue, Timer execution, Timer whole) {}

  public RelayMeters(MeterRegistry registry, LatencyBy latencyBy) {
    this.registry = registry;
    this.latencyBy = latencyBy;
  }

  /** Takes note of an audited record: query attempts, schema reads and registered runs count. */
  public void audited(AuditRecord r) {
    if (!isAttempt(r)) {
      return;
    }
    String practice = r.chain();
    String integrator = r.actor();
    attempts.computeIfAbsent(new AttemptKey(practice, integrator, r.kind(), r.outcome()), k -> Counter
        .builder("pmsrelay_queries").description("query attempts by outcome (succeeded, or the error code)")
        .tags("practice", k.practice(), "integrator", k.integrator(), "kind", k.kind(), "outcome", k.outcome())
        .register(registry)).increment();
    GrantMeters meters = of(practice, integrator);
    // What the agent reports is counted only when plausible: a broken or hostile agent's numbers never
    // reach a meter that refuses them (Micrometer warns of negative times) or skew a total.
    if (r.rowCount() != null && r.rowCount() >= 0) {
      meters.rows().increment(r.rowCount());
    }
    if (r.bytes() != null && r.bytes() >= 0) {
      meters.bytes().increment(r.bytes());
    }
    if (r.queueMs() != null && r.queueMs() >= 0) {
      meters.queue().record(r.queueMs(), TimeUnit.MILLISECONDS);
    }
    if (r.execMs() != null && r.execMs() >= 0) {
      meters.execution().record(r.execMs(), TimeUnit.MILLISECONDS);
    }
  }

  /** The whole of one query as its integrator waited for it. */
  public void queryTook(String practice, String integrator, long nanos) {
    of(practice, integrator).whole().record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  private GrantMeters of(String practice, String integrator) {
    return grants.computeIfAbsent(new GrantKey(practice, integrator), k -> new GrantMeters(
        Counter.builder("pmsrelay_query_rows").description("rows returned").baseUnit("rows")
            .tags("practice", practice, "integrator", integrator).register(registry),
        Counter.builder("pmsrelay_query_bytes").description("result bytes returned").baseUnit("bytes")
            .tags("practice", practice, "integrator", integrator).register(registry),
        latency("pmsrelay_query_queue", "time waiting in the agent's queue", practice, integrator),
        latency("pmsrelay_query_execution", "time running on the practice database", practice, integrator),
        latency("pmsrelay_query", "the whole query: queue, execution and transfer", practice, integrator)));
  }

  /** A token request's outcome, from the status it was answered with. */
  public void tokenRequest(int status) {
    String outcome = switch (status) {
      case 200 -> "issued";
      case 401 -> "invalid_client";
      case 400, 413, 415 -> "invalid_request";
      case 429 -> "rate_limited";
      default -> "failed";
    };
    Counter.builder("pmsrelay_token_requests").description("token requests by outcome").tag("outcome", outcome)
        .register(registry).increment();
  }

  /** A grant's histogram; grants that share it (by practice, or the node's) get the same one. */
  private Timer latency(String name, String description, String practice, String integrator) {
    Timer.Builder timer = Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS);
    switch (latencyBy) {
      case GRANT -> timer.tags("practice", practice, "integrator", integrator);
      case PRACTICE -> timer.tag("practice", practice);
      case NODE -> { }
    }
    return timer.register(registry);
  }

  private static boolean isAttempt(AuditRecord r) {
    return (AuditRecord.KIND_QUERY.equals(r.kind()) || AuditRecord.KIND_SCHEMA.equals(r.kind())
        || AuditRecord.KIND_REGISTERED.equals(r.kind())) && r.actor() != null && r.outcome() != null;
  }
}
