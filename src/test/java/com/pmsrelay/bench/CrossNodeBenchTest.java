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
 * The cross-node benchmark still runs (the harness's smoke test, as {@link InstancesBenchTest}): in
 * tiny mode, two clustered nodes, writing result JSON with its fields. No timing is asserted; every
 * lookup through either node must be answered with 200.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossNodeBenchTest {
  @TempDir Path out;

  @Test
  void crossNodeRunsInTinyModeAndWritesItsFields() throws Exception {
    JsonObject result = BenchMain.run(List.of(CrossNodeBench.NAME), BenchMode.TINY, out, "test")
        .getJsonObject("benchmarks").getJsonObject(CrossNodeBench.NAME);
    assertThat(Files.exists(out.resolve(CrossNodeBench.NAME + "-tiny.json"))).isTrue();
    assertThat(result.getString("mode")).isEqualTo("tiny");
    assertThat(result.getJsonObject("settings").getJsonObject("relay").getInteger("cloudNodes")).isEqualTo(2);
    assertThat(result.getJsonObject("throughputRatioOtherToOwn").getInteger("n")).isEqualTo(1);
    assertThat(result.getJsonObject("p50AddedUs").getInteger("n")).isEqualTo(1);
    for (String series : new String[] {"outstanding64", "oneAtATime"}) {
      JsonObject s = result.getJsonObject("series").getJsonObject(series);
      assertThat(s.getJsonArray("pairs")).as(series).hasSize(1);
      for (String side : new String[] {"ownNode", "otherNode"}) {
        assertThat(s.getJsonObject(side).getLong("operations")).as(series + " " + side).isPositive();
        assertThat(s.getJsonObject(side).getLong("failures")).as(series + " " + side).isZero();
      }
    }
    assertThat(result.getJsonObject("failuresByOutcome").isEmpty()).isTrue();
    JsonObject targets = result.getJsonObject("targets");
    assertThat(targets.fieldNames()).containsExactlyInAnyOrder("throughputRatio", "p50AddedUs", "noFailures");
    assertThat(targets.getJsonObject("noFailures").getBoolean("met")).isTrue();
    assertThat(result.getJsonArray("headlines")).hasSize(2);
    assertThat(BenchMain.BY_NAME_ONLY).contains(CrossNodeBench.NAME);
  }
}
