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
 * The bridge benchmarks still run: idle-agents and reconnect-storm in their tiny mode (a hundred
 * agents against a cloud and a raw TLS server in child JVMs), writing result JSON with the fields
 * BENCHMARKS.md reports. Timings are never asserted; behaviour is: every simulated agent gets
 * registered and the cloud itself reports each one online (no registration lost), and no child
 * JVM outlives the run.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BridgeBenchHarnessTest {
  @TempDir Path out;

  @Test
  void bridgeBenchmarksRunInTinyModeAndLoseNoRegistration() throws Exception {
    List<String> names = List.of("idle-agents", "reconnect-storm");
    long childrenBefore = ProcessHandle.current().descendants().count();
    JsonObject latest = BenchMain.run(names, BenchMode.TINY, out, "test");
    JsonObject benchmarks = latest.getJsonObject("benchmarks");
    assertThat(benchmarks.fieldNames()).containsExactlyInAnyOrderElementsOf(names);

    JsonObject idle = benchmarks.getJsonObject("idle-agents");
    assertThat(Files.exists(out.resolve("idle-agents-tiny.json"))).isTrue();
    assertThat(idle.getString("mode")).isEqualTo("tiny");
    assertThat(idle.getJsonObject("settings").getJsonArray("sizes")).isNotEmpty();
    assertThat(idle.getJsonArray("rounds")).hasSize(1);
    for (String figure : new String[] {"heapPerAgentBeyondRawKiB", "rssPerAgentBeyondRawKiB"}) {
      assertThat(idle.getJsonObject(figure).getJsonObject("100").getDouble("median")).as(figure).isNotNull();
    }
    assertThat(idle.getJsonObject("relayIdleCpuPercentOfCore").getJsonObject("100").getInteger("n")).isEqualTo(1);
    JsonObject atLargest = idle.getJsonObject("relayIdleCpuAtLargest");
    assertThat(atLargest.getJsonObject("windowsPercentOfCore").getInteger("n")).isEqualTo(2);
    assertThat(atLargest.getJsonObject("byThreadKindPercentOfCore")).as("the relay's CPU by thread kind").isNotNull();
    assertThat(idle.getJsonArray("relayHeapGrowthBeyondRawByClass")).isNotEmpty();
    assertThat(idle.getJsonObject("targets").getJsonObject("heapPerAgentBeyondRawKiB").getBoolean("met")).isNotNull();
    assertThat(idle.getJsonObject("targets").getJsonObject("idleCpuPercentOfCore").getBoolean("met")).isNotNull();
    assertThat(idle.getJsonObject("targets").getJsonObject("everyAgentConnected").getBoolean("met")).isTrue();
    assertThat(idle.getJsonArray("headlines")).isNotEmpty();
    assertThat(idle.getString("limits")).isNotBlank();

    JsonObject storm = benchmarks.getJsonObject("reconnect-storm");
    assertThat(Files.exists(out.resolve("reconnect-storm-tiny.json"))).isTrue();
    assertThat(storm.getJsonArray("pairs")).hasSize(1);
    JsonObject pair = storm.getJsonArray("pairs").getJsonObject(0);
    for (String side : new String[] {"raw", "relay"}) {
      assertThat(pair.getJsonObject(side).getInteger("done")).as(side).isEqualTo(100);
      assertThat(pair.getJsonObject(side).getInteger("failed")).as(side).isZero();
      assertThat(pair.getJsonObject(side).getDouble("serverCpuMs")).as(side).isNotNull();
    }
    assertThat(pair.getJsonObject("relay").getInteger("onlineAtCloud")).isEqualTo(100);
    assertThat(pair.getJsonObject("relay").getInteger("onlineAtCloudBefore")).isZero();
    assertThat(storm.getJsonObject("ratioRelayToRaw").getInteger("n")).isEqualTo(1);
    assertThat(storm.getJsonObject("relayHandshakesPerSecond").getDouble("median")).isPositive();
    assertThat(storm.getJsonObject("targets").getJsonObject("stormRatio").getBoolean("met")).isNotNull();
    assertThat(storm.getJsonObject("targets").getJsonObject("noRegistrationLost").getBoolean("met")).isTrue();
    assertThat(storm.getJsonArray("headlines")).isNotEmpty();
    assertThat(storm.getString("limits")).isNotBlank();

    assertThat(ProcessHandle.current().descendants().count()).as("child JVMs left behind").isEqualTo(childrenBefore);
  }
}
