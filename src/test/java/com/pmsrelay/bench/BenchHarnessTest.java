package com.pmsrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness still runs: each benchmark in its tiny mode (a few hundred ms of load
 * each), writing result JSON with the fields BENCHMARKS.md reports. It checks the harness, not
 * the figures: timings are measured by {@code bench/run.sh}, never asserted in tests. (noisy-mild
 * is left out: in tiny mode it is the same run as noisy, and each cloud start costs seconds.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchHarnessTest {
  @TempDir Path out;

  @Test
  void everyBenchmarkRunsInTinyModeAndWritesItsFields() throws Exception {
    List<String> names = List.of("guard", "noisy", "noisy-agent", MetricsCostBench.NAME);
    JsonObject latest = BenchMain.run(names, BenchMode.TINY, out, "test");

    assertThat(Files.exists(out.resolve("latest.json"))).isTrue();
    assertThat(new JsonObject(Files.readString(out.resolve("latest.json")))).isEqualTo(latest);
    assertThat(latest.getJsonObject("machine").getInteger("processors")).isPositive();
    JsonObject benchmarks = latest.getJsonObject("benchmarks");
    assertThat(benchmarks.fieldNames()).containsExactlyInAnyOrderElementsOf(names);

    JsonObject guard = benchmarks.getJsonObject("guard");
    assertThat(Files.exists(out.resolve("guard-tiny.json"))).isTrue();
    for (String c : new String[] {"typical", "typicalLexicalOnly", "simple", "simpleLexicalOnly"}) {
      JsonObject figures = guard.getJsonObject("cases").getJsonObject(c);
      for (String p : new String[] {"p50Us", "p90Us", "p99Us"}) {
        assertThat(figures.getJsonObject(p).getDouble("median")).as(c + " " + p).isPositive();
        assertThat(figures.getJsonObject(p).getDouble("min")).isNotNull();
        assertThat(figures.getJsonObject(p).getDouble("max")).isNotNull();
      }
    }
    assertThat(guard.getJsonObject("targets").getJsonObject("typicalP50Us").getBoolean("met")).isNotNull();

    JsonObject metrics = benchmarks.getJsonObject(MetricsCostBench.NAME);
    for (String way : new String[] {"cached", "lookedUpEachQuery"}) {
      assertThat(metrics.getJsonObject("nsPerQuery").getJsonObject(way).getDouble("median")).as(way).isPositive();
    }
    assertThat(metrics.getJsonObject("scrape").getInteger("bytes")).isPositive();
    JsonObject by = metrics.getJsonObject("scrapeByLatencyHistograms");
    assertThat(by.getJsonObject("node").getInteger("bytes")).as("a scrape with the histograms kept for the node")
        .isLessThan(by.getJsonObject("practice").getInteger("bytes"));
    assertThat(by.getJsonObject("practice").getInteger("bytes")).as("kept by practice")
        .isLessThan(by.getJsonObject("grant").getInteger("bytes"));
    assertThat(metrics.getJsonObject("targets").getJsonObject("nsPerQuery").getBoolean("met")).isNotNull();

    // The noisy neighbour's load pattern through the cloud, with the monitor as shipped: no alert.
    assertThat(benchmarks.getJsonObject("noisy").getInteger("monitorAlerts")).isZero();
    for (String name : new String[] {"noisy", "noisy-agent"}) {
      JsonObject noisy = benchmarks.getJsonObject(name);
      assertThat(Files.exists(out.resolve(name + "-tiny.json"))).isTrue();
      assertThat(noisy.getJsonArray("pairs")).as(name).hasSize(1);
      assertThat(noisy.getJsonObject("bP99RatioFloodToAlone").getInteger("n")).as(name).isEqualTo(1);
      assertThat(noisy.getJsonObject("bAlone").getJsonObject("latency").getInteger("count")).as(name).isPositive();
      assertThat(noisy.getJsonObject("bFlood").getInteger("sent")).as(name).isPositive();
      assertThat(noisy.getJsonObject("aFlood").getInteger("sent")).as(name).isPositive();
      assertThat(noisy.getJsonObject("aFlood").getJsonObject("byOutcome").isEmpty()).as(name).isFalse();
      assertThat(noisy.getJsonObject("database").getInteger("maxConcurrency")).as(name).isBetween(1, 4);
      for (String target : new String[] {"bP99RatioMedian", "bSuccessRateUnderFlood", "aGets429NotTimeouts",
          "dbConcurrencyWithinCap"}) {
        assertThat(noisy.getJsonObject("targets").getJsonObject(target).getBoolean("met")).as(name + " " + target)
            .isNotNull();
      }
    }
  }
}
