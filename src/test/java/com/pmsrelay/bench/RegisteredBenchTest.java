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
 * The registered-queries benchmark still runs (the harness's smoke test): in tiny mode (4
 * integrators, 6 cycles, one insert), writing its fields. Counts, not timings, are asserted: every
 * polling query answered, each registration's change sent once, and registered runs reading the
 * database about as often as polling does (they run on the same schedule).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegisteredBenchTest {
  @TempDir Path out;

  @Test
  void registeredRunsInTinyModeAndSendsEachChangeOnce() throws Exception {
    JsonObject result = BenchMain.run(List.of(RegisteredBench.NAME), BenchMode.TINY, out, "test")
        .getJsonObject("benchmarks").getJsonObject(RegisteredBench.NAME);
    assertThat(Files.exists(out.resolve(RegisteredBench.NAME + "-tiny.json"))).isTrue();
    assertThat(result.getString("mode")).isEqualTo("tiny");
    JsonObject polling = result.getJsonObject("polling");
    JsonObject registered = result.getJsonObject("registered");
    int seed = RegisteredBench.SEED_ROWS;
    // 4 integrators x 6 cycles, one insert at some cycle: each answer has the seed rows, or one more.
    assertThat(polling.getLong("queriesExecuted")).isEqualTo(24);
    assertThat(polling.getLong("rowsSentToCloud")).isBetween(24L * seed, 24L * (seed + 1));
    assertThat(polling.getLong("rowsReadAtDatabase")).isEqualTo(polling.getLong("rowsSentToCloud"));
    // One change (the insert) per registration, sent once: 4 results of seed + 1 rows.
    assertThat(registered.getLong("resultsSentToCloud")).isEqualTo(4);
    assertThat(registered.getLong("rowsSentToCloud")).isEqualTo(4L * (seed + 1));
    assertThat(registered.getLong("rowsOfAnnouncedResults")).isEqualTo(4L * (seed + 1));
    // The four registrations ask the same question: the agent runs it once a cycle for all of them (a turn may be
    // skipped, or split in two), not once each.
    assertThat(registered.getLong("queriesExecuted")).isBetween(4L, 9L);
    assertThat(registered.getLong("rowsReadAtDatabase")).isBetween(4L * seed, 9L * (seed + 1));
    assertThat(result.getJsonObject("ratiosPollingToRegistered").getDouble("rowsSentToCloud")).isGreaterThan(5.0);
    for (String target : new String[] {"rowsReadAtDatabaseRatio", "queriesExecutedRatio"}) {
      assertThat(result.getJsonObject("targets").getJsonObject(target).getBoolean("met")).as(target).isNotNull();
    }
    assertThat(result.getJsonArray("headlines")).hasSize(2);
    assertThat(BenchMain.BY_NAME_ONLY).contains(RegisteredBench.NAME);
  }
}
