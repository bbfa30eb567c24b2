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
 * The footprint benchmark still runs, in its tiny mode (three agent processes: one agent and two
 * separate ones, one pair of short blocks), writing the fields FootprintReport promises and leaving
 * no agent process behind. Like {@link BenchHarnessTest} it checks the harness, never the figures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FootprintBenchTest {
  @TempDir Path out;

  @Test
  void footprintRunsInTinyModeAndWritesItsFields() throws Exception {
    JsonObject latest = BenchMain.run(List.of("footprint"), BenchMode.TINY, out, "test");

    assertThat(Files.exists(out.resolve("footprint-tiny.json"))).isTrue();
    JsonObject result = latest.getJsonObject("benchmarks").getJsonObject("footprint");
    assertThat(result.getString("name")).isEqualTo("footprint");
    assertThat(result.getString("mode")).isEqualTo("tiny");
    assertThat(result.getJsonObject("settings").getString("agentJvmFlags"))
        .isEqualTo(String.join(" ", AgentJvmFlags.SHIPPED));

    JsonObject idle = result.getJsonObject("idle");
    assertThat(idle.getJsonObject("rssMbPerAgent").getInteger("n")).isEqualTo(3);
    assertThat(idle.getJsonObject("rssMbPerAgent").getDouble("min")).isPositive();
    assertThat(idle.getJsonObject("cpuPercentOfCorePerAgent").getDouble("median")).isNotNull();
    assertThat(idle.getDouble("oneAgentRssMb")).isPositive();
    assertThat(idle.getJsonArray("perAgent")).hasSize(3);

    JsonObject load = result.getJsonObject("load");
    assertThat(load.getInteger("pairs")).isEqualTo(1);
    for (String spread : new String[] {"oneAgentRssMb", "separateAgentsRssMb", "memoryRatioSeparateToOne",
        "oneAgentCpuPercentOfCore", "separateAgentsCpuPercentOfCore"}) {
      assertThat(load.getJsonObject(spread).getInteger("n")).as(spread).isEqualTo(1);
      assertThat(load.getJsonObject(spread).getDouble("median")).as(spread).isNotNull();
    }
    assertThat(load.getJsonObject("oneAnswers").getInteger("sent")).isPositive();
    assertThat(load.getJsonObject("oneAnswers").getJsonObject("byOutcome").getInteger(Answer.OK)).isPositive();
    assertThat(load.getJsonObject("separateAnswers").getJsonObject("byOutcome").getInteger(Answer.OK)).isPositive();

    JsonObject round = result.getJsonArray("rounds").getJsonObject(0);
    assertThat(round.getJsonObject("one").getJsonArray("rssMbPerAgent")).hasSize(1);
    assertThat(round.getJsonObject("separate").getJsonArray("rssMbPerAgent")).hasSize(2);
    assertThat(round.getDouble("memoryRatio")).isPositive();

    for (String target : new String[] {"idleRssMb", "idleCpuPercentOfCore", "memoryRatio"}) {
      assertThat(result.getJsonObject("targets").getJsonObject(target).getBoolean("met")).as(target).isNotNull();
    }
    assertThat(result.getJsonArray("headlines")).isNotEmpty();
    assertThat(result.getString("limits")).isNotBlank();
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
