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
 * The throughput-instances benchmark still runs (the harness's smoke test, as
 * {@link HopThroughputAuthBenchTest}): in tiny mode, writing result JSON with its fields. No timing
 * is asserted; both relays must answer every lookup with 200.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstancesBenchTest {
  @TempDir Path out;

  @Test
  void throughputInstancesRunsInTinyModeAndWritesItsFields() throws Exception {
    JsonObject result = BenchMain.run(List.of(InstancesBench.NAME), BenchMode.TINY, out, "test")
        .getJsonObject("benchmarks").getJsonObject(InstancesBench.NAME);
    assertThat(Files.exists(out.resolve(InstancesBench.NAME + "-tiny.json"))).isTrue();
    assertThat(result.getString("mode")).isEqualTo("tiny");
    assertThat(result.getJsonArray("pairs")).hasSize(1);
    JsonObject settings = result.getJsonObject("settings");
    int processors = Math.min(64, Runtime.getRuntime().availableProcessors());
    assertThat(settings.getJsonObject("oneInstance").getInteger("cloudHttpInstances")).isEqualTo(1);
    assertThat(settings.getJsonObject("oneInstance").getInteger("cloudBridgeInstances")).isEqualTo(1);
    assertThat(settings.getJsonObject("perProcessor").getInteger("cloudHttpInstances")).isEqualTo(processors);
    assertThat(settings.getJsonObject("perProcessor").getInteger("cloudBridgeInstances")).isEqualTo(processors);
    for (String figure : new String[] {"throughputRatioManyToOne", "p50RatioManyToOne", "cpuUsPerQueryAdded"}) {
      assertThat(result.getJsonObject(figure).getInteger("n")).as(figure).isEqualTo(1);
    }
    for (String side : new String[] {"oneInstance", "perProcessor"}) {
      assertThat(result.getJsonObject(side).getLong("operations")).as(side).isPositive();
      assertThat(result.getJsonObject(side).getLong("failures")).as(side).isZero();
      assertThat(result.getJsonObject("failuresByOutcome").getJsonObject(side).isEmpty()).as(side).isTrue();
    }
    assertThat(result.getJsonObject("targets").getJsonObject("noFailures").getBoolean("met")).isTrue();
    assertThat(result.getJsonArray("headlines")).isNotEmpty();
    assertThat(BenchMain.BY_NAME_ONLY).contains(InstancesBench.NAME);
  }
}
