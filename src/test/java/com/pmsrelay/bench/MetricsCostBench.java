package com.pmsrelay.bench;

import com.pmsrelay.cloud.metrics.RelayMeters;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the cloud's own meters cost per query, and what a Prometheus scrape costs with many grants.
 * Per query: {@link RelayMeters} as shipped (each grant's meters made once, then one map look-up)
 * against the same meters looked up through Micrometer's builders at every query (the shipped code
 * before it cached them: six meter ids built and looked up per query). Both count the same
 * records of {@code grants} grants in turn, in alternating blocks after a warm-up; the figure is
 * the median over blocks of ns per query. The scrape: {@link NodeMetrics#scrape} of a registry
 * holding every grant's series (what {@code GET /metrics} answers), its time and size.
 */
final class MetricsCostBench {
  static final String NAME = "metrics";
  /** A relayed query costs the cloud about 100 µs of CPU (throughput, ~10k/s a core): 1 % of that. */
  static final double TARGET_NS_PER_QUERY = 1_000;

  private record Settings(int grants, long warmupMs, int blocks, int queriesPerBlock, int scrapes) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(1_000, 5_000, 10, 2_000_000, 20);
        case FAST -> new Settings(200, 1_000, 6, 300_000, 5);
        case TINY -> new Settings(10, 50, 2, 2_000, 2);
      };
    }
  }

  /** One query's meters: what the relay does per audited attempt and per finished query. */
  private interface Meters {
    void query(AuditRecord record, long nanos);
  }

  private long sink;

  JsonObject run(BenchMode mode) {
    Settings settings = Settings.of(mode);
    List<AuditRecord> records = new ArrayList<>();
    for (int g = 0; g < settings.grants(); g++) {
      records.add(AuditRecord.query("practice-" + g / 2, "cli_integrator" + g, "succeeded", "q", "h", "SELECT 1", 0,
          40L, 3_000L, 2L, 7L));
    }
    NodeMetrics cachedRegistry = new NodeMetrics();
    NodeMetrics lookedUpRegistry = new NodeMetrics();
    RelayMeters relay = new RelayMeters(cachedRegistry.registry(), RelayMeters.LatencyBy.GRANT);
    Meters cached = (r, nanos) -> {
      relay.audited(r);
      relay.queryTook(r.chain(), r.actor(), nanos);
    };
    Meters lookedUp = new LookedUp(lookedUpRegistry.registry());
    warm(cached, records, settings.warmupMs());
    warm(lookedUp, records, settings.warmupMs());
    List<Double> cachedNs = new ArrayList<>();
    List<Double> lookedUpNs = new ArrayList<>();
    for (int b = 0; b < settings.blocks(); b++) {
      boolean cachedFirst = b % 2 == 0;
      double first = nsPerQuery(cachedFirst ? cached : lookedUp, records, settings.queriesPerBlock());
      double second = nsPerQuery(cachedFirst ? lookedUp : cached, records, settings.queriesPerBlock());
      cachedNs.add(cachedFirst ? first : second);
      lookedUpNs.add(cachedFirst ? second : first);
    }
    Scrape scrape = Scrape.of(cachedRegistry, settings.scrapes());
    cachedRegistry.close();
    lookedUpRegistry.close();
    // The same grants with the latency histograms kept by practice (two grants to a practice here), and for the node.
    JsonObject scrapeBy = new JsonObject().put("grant", scrape.toJson());
    for (RelayMeters.LatencyBy by : List.of(RelayMeters.LatencyBy.PRACTICE, RelayMeters.LatencyBy.NODE)) {
      NodeMetrics registry = new NodeMetrics();
      RelayMeters meters = new RelayMeters(registry.registry(), by);
      for (AuditRecord r : records) {
        meters.audited(r);
        meters.queryTook(r.chain(), r.actor(), 1_000_000L);
      }
      scrapeBy.put(by.name().toLowerCase(Locale.ROOT), Scrape.of(registry, settings.scrapes()).toJson());
      registry.close();
    }
    Spread cachedSpread = Spread.of(cachedNs);
    Spread lookedUpSpread = Spread.of(lookedUpNs);
    double ratio = lookedUpSpread.median() / cachedSpread.median();
    return new JsonObject().put("name", NAME).put("mode", mode.label())
        .put("settings", new JsonObject().put("grants", settings.grants()).put("blocks", settings.blocks())
            .put("queriesPerBlock", settings.queriesPerBlock()).put("warmupMs", settings.warmupMs()))
        .put("nsPerQuery", new JsonObject().put("cached", cachedSpread.toJson()).put("lookedUpEachQuery",
            lookedUpSpread.toJson()))
        .put("ratioLookedUpToCached", Spread.round(ratio))
        .put("scrape", scrape.toJson())
        .put("scrapeByLatencyHistograms", scrapeBy)
        .put("targets", new JsonObject().put("nsPerQuery", Targets.atMost(cachedSpread.median(), TARGET_NS_PER_QUERY,
            "the relay's meters cost at most 1 µs a query (1 % of a relayed query's CPU)")))
        .put("headlines", new JsonArray()
            .add(String.format(Locale.ROOT, "relay meters: %.0f ns a query cached vs %.0f ns looked up each query "
                + "(%.1fx), %d grants", cachedSpread.median(), lookedUpSpread.median(), ratio, settings.grants()))
            .add(String.format(Locale.ROOT, "GET /metrics with %d grants' series: %.1f ms, %d KiB; latency histograms by"
                + " practice %d KiB, by node %d KiB", settings.grants(), scrape.ms().median(), scrape.bytes() / 1024,
                scrapeBy.getJsonObject("practice").getInteger("bytes") / 1024,
                scrapeBy.getJsonObject("node").getInteger("bytes") / 1024)))
        .put("sink", sink % 2);
  }

  /** What {@code GET /metrics} takes (ms, over a number of scrapes) and how large its answer is. */
  private record Scrape(Spread ms, int bytes) {
    static Scrape of(NodeMetrics registry, int scrapes) {
      List<Double> ms = new ArrayList<>();
      int bytes = 0;
      for (int i = 0; i < scrapes; i++) {
        long start = System.nanoTime();
        bytes = registry.scrape().length();
        ms.add((System.nanoTime() - start) / 1e6);
      }
      return new Scrape(Spread.of(ms), bytes);
    }

    JsonObject toJson() {
      return new JsonObject().put("ms", ms.toJson()).put("bytes", bytes);
    }
  }

  private void warm(Meters meters, List<AuditRecord> records, long ms) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < until) {
      nsPerQuery(meters, records, 10_000);
    }
  }

  private double nsPerQuery(Meters meters, List<AuditRecord> records, int queries) {
    int n = records.size();
    long start = System.nanoTime();
    for (int i = 0; i < queries; i++) {
      meters.query(records.get(i % n), 1_000_000L + i);
    }
    long took = System.nanoTime() - start;
    sink += took;
    return (double) took / queries;
  }

  /** The same meters, found through Micrometer's builders at every query. */
  private static final class LookedUp implements Meters {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120)};
    private final MeterRegistry registry;

    LookedUp(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void query(AuditRecord r, long nanos) {
      String p = r.chain();
      String i = r.actor();
      Counter.builder("pmsrelay_queries").tags("practice", p, "integrator", i, "kind", r.kind(), "outcome", r.outcome())
          .register(registry).increment();
      Counter.builder("pmsrelay_query_rows").tags("practice", p, "integrator", i).register(registry).increment(r.rowCount());
      Counter.builder("pmsrelay_query_bytes").tags("practice", p, "integrator", i).register(registry).increment(r.bytes());
      timer("pmsrelay_query_queue", p, i).record(r.queueMs(), TimeUnit.MILLISECONDS);
      timer("pmsrelay_query_execution", p, i).record(r.execMs(), TimeUnit.MILLISECONDS);
      timer("pmsrelay_query", p, i).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String name, String practice, String integrator) {
      return Timer.builder(name).serviceLevelObjectives(BUCKETS).tags("practice", practice, "integrator", integrator)
          .register(registry);
    }
  }
}
