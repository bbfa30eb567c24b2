package com.pmsrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming benchmark still runs (the harness's smoke test, as {@link BenchHarnessTest}): in
 * tiny mode (streams of 20,000 rows, one pair, the agent in its own JVM too), writing its fields.
 * No timing is asserted; every stream must have been whole (the client checks every row and the
 * end line), and no agent process may be left behind.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamingBenchTest {
  @TempDir Path out;

  @Test
  void streamingRunsInTinyModeAndEveryStreamIsWhole() throws Exception {
    JsonObject result = BenchMain.run(List.of("streaming"), BenchMode.TINY, out, "test")
        .getJsonObject("benchmarks").getJsonObject("streaming");

    assertThat(Files.exists(out.resolve("streaming-tiny.json"))).isTrue();
    assertThat(result.getString("name")).isEqualTo("streaming");
    assertThat(result.getString("mode")).isEqualTo("tiny");
    assertThat(result.getJsonObject("settings").getInteger("rowsPerStream")).isEqualTo(20_000);
    assertThat(result.getJsonArray("pairs")).hasSize(1);
    for (String figure : new String[] {"rowsPerSecondRatioRelayToPlain", "cpuRatioRelayToPlain", "cpuUsPerRowAdded",
        "allocatedBytesPerRowAdded"}) {
      assertThat(result.getJsonObject(figure).getInteger("n")).as(figure).isEqualTo(1);
    }
    for (String side : new String[] {"relay", "plain"}) {
      JsonObject figures = result.getJsonObject(side);
      for (String figure : new String[] {"rowsPerSecond", "megabytesPerSecond", "cpuUsPerRow", "allocatedBytesPerRow",
          "firstRowMs", "bytesPerRow"}) {
        assertThat(figures.getJsonObject(figure).getDouble("median")).as(side + " " + figure).isPositive();
      }
      assertThat(figures.getLong("broken")).as(side + " broken").isZero();
    }
    assertThat(result.getJsonObject("relay").getJsonObject("bytesPerRow").getDouble("median"))
        .as("both sides send the same bytes").isEqualTo(result.getJsonObject("plain").getJsonObject("bytesPerRow")
            .getDouble("median"));

    JsonObject heap = result.getJsonObject("heapOneJvm");
    assertThat(heap.getBoolean("streamComplete")).isTrue();
    assertThat(heap.getDouble("baselineMiB")).isPositive();
    assertThat(heap.getDouble("growthMiB")).isNotNull();
    JsonObject separate = result.getJsonObject("separateJvms");
    assertThat(separate.getString("agentJvmFlags")).isEqualTo(String.join(" ", AgentJvmFlags.SHIPPED));
    assertThat(separate.getDouble("rowsPerSecond")).isPositive();
    assertThat(separate.getJsonObject("heap").getBoolean("streamComplete")).isTrue();
    for (String jvm : new String[] {"cloudJvm", "agentJvm"}) {
      assertThat(separate.getJsonObject("heap").getJsonObject(jvm).getDouble("baselineMiB")).as(jvm).isPositive();
      assertThat(separate.getJsonObject("heap").getJsonObject(jvm).getDouble("growthMiB")).as(jvm).isNotNull();
    }

    // Every stream of the run, warm-ups included, was read whole, and the database read each row once.
    assertThat(result.getLong("streamsBroken")).isZero();
    assertThat(result.getLong("streamsRead")).isGreaterThanOrEqualTo(7);
    JsonObject streams = result.getJsonObject("streams");
    for (String side : streams.fieldNames()) {
      JsonArray list = streams.getJsonArray(side);
      for (int i = 0; i < list.size(); i++) {
        JsonObject stream = list.getJsonObject(i);
        assertThat(stream.getBoolean("complete")).as(side + " " + i + " " + stream.encode()).isTrue();
        assertThat(stream.getLong("rowsReadAtDatabase")).as(side + " " + i).isEqualTo(stream.getLong("rows"));
      }
    }
    assertThat(result.getInteger("agentReconnects")).isZero();
    for (String target : new String[] {"rowsPerSecondRatio", "heapGrowthOneJvmMiB", "heapGrowthCloudJvmMiB",
        "heapGrowthAgentJvmMiB"}) {
      assertThat(result.getJsonObject("targets").getJsonObject(target).getBoolean("met")).as(target).isNotNull();
    }
    assertThat(result.getJsonObject("targets").getJsonObject("everyStreamComplete").getBoolean("met")).isTrue();
    assertThat(result.getJsonArray("headlines")).isNotEmpty();
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
