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
 * The hop, throughput and auth benchmarks still run (the harness's smoke test, as
 * {@link BenchHarnessTest}): each in tiny mode, writing result JSON with its fields. No timing is
 * asserted; the relay must answer every lookup with 200, which the benchmarks report as failures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HopThroughputAuthBenchTest {
  @TempDir Path out;

  @Test
  void hopThroughputAndAuthRunInTinyModeAndWriteTheirFields() throws Exception {
    List<String> names = List.of("hop", "throughput", "auth");
    JsonObject benchmarks = BenchMain.run(names, BenchMode.TINY, out, "test").getJsonObject("benchmarks");
    assertThat(benchmarks.fieldNames()).containsExactlyInAnyOrderElementsOf(names);

    for (String name : new String[] {"hop", "throughput"}) {
      JsonObject result = benchmarks.getJsonObject(name);
      assertThat(Files.exists(out.resolve(name + "-tiny.json"))).isTrue();
      assertThat(result.getString("mode")).isEqualTo("tiny");
      assertThat(result.getJsonObject("settings").getJsonObject("relay").getJsonObject("agentExec")
          .getInteger("queuePerIntegrator")).isEqualTo(64);
      assertThat(result.getJsonArray("pairs")).as(name).hasSize(1);
      for (String figure : new String[] {"p50RatioRelayToPlain", "p50AddedUs", "throughputRatioRelayToPlain",
          "cpuUsPerQueryAdded", "allocatedBytesPerQueryAdded"}) {
        assertThat(result.getJsonObject(figure).getInteger("n")).as(name + " " + figure).isEqualTo(1);
      }
      for (String side : new String[] {"relay", "plain"}) {
        assertSide(result.getJsonObject(side), name + " " + side);
      }
      assertThat(result.getJsonObject("failuresByOutcome").isEmpty()).as(name + " failures").isTrue();
      assertThat(result.getJsonArray("headlines")).as(name).isNotEmpty();
    }
    assertTargets(benchmarks.getJsonObject("hop"), "p50Ratio", "p50AddedUs", "noFailures");
    assertTargets(benchmarks.getJsonObject("throughput"), "throughputRatio", "noFailures");
    assertThat(benchmarks.getJsonObject("throughput").getJsonObject("settings").getInteger("concurrency"))
        .isEqualTo(64);

    JsonObject auth = benchmarks.getJsonObject("auth");
    assertThat(Files.exists(out.resolve("auth-tiny.json"))).isTrue();
    for (String set : new String[] {"tokenReused", "freshTokenEachRequest"}) {
      JsonObject figures = auth.getJsonObject(set);
      assertThat(figures.getJsonArray("pairs")).as(set).hasSize(1);
      for (String figure : new String[] {"throughputRatioOnToOff", "p50RatioOnToOff", "cpuUsPerQueryAdded"}) {
        assertThat(figures.getJsonObject(figure).getInteger("n")).as(set + " " + figure).isEqualTo(1);
      }
      assertSide(figures.getJsonObject("verifying"), set + " verifying");
      assertSide(figures.getJsonObject("notVerifying"), set + " notVerifying");
    }
    assertThat(auth.getJsonObject("freshTokenEachRequest").getInteger("tokensMinted")).isPositive();
    assertThat(auth.getJsonObject("failuresByOutcome").isEmpty()).as("auth failures").isTrue();
    assertTargets(auth, "throughputRatioTokenReused", "noFailures");
    assertThat(auth.getJsonArray("headlines")).isNotEmpty();
  }

  private static void assertSide(JsonObject side, String what) {
    assertThat(side.getLong("operations")).as(what + " operations").isPositive();
    assertThat(side.getLong("failures")).as(what + " failures").isZero();
    for (String figure : new String[] {"perSecond", "p50Us", "p99Us", "cpuUsPerOp", "allocatedBytesPerOp"}) {
      assertThat(side.getJsonObject(figure).getDouble("median")).as(what + " " + figure).isPositive();
    }
  }

  private static void assertTargets(JsonObject result, String... names) {
    for (String name : names) {
      assertThat(result.getJsonObject("targets").getJsonObject(name).getBoolean("met")).as(result.getString("name")
          + " target " + name).isNotNull();
    }
  }
}
