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
 * The token-flood benchmark still runs (the harness's smoke test): in tiny mode, both sets, writing
 * result JSON with its fields. No timing is asserted; every lookup of integrator A must be answered
 * with 200, and the flood must have been refused: 401 or 429, never a token, never a 500.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TokenFloodBenchTest {
  @TempDir Path out;

  @Test
  void tokenFloodRunsInTinyModeAndWritesItsFields() throws Exception {
    JsonObject result = BenchMain.run(List.of(TokenFloodBench.NAME), BenchMode.TINY, out, "test")
        .getJsonObject("benchmarks").getJsonObject(TokenFloodBench.NAME);
    assertThat(Files.exists(out.resolve(TokenFloodBench.NAME + "-tiny.json"))).isTrue();
    assertThat(result.getString("mode")).isEqualTo("tiny");
    for (String set : new String[] {"held", "noHold"}) {
      JsonObject s = result.getJsonObject(set);
      assertThat(s.getJsonArray("pairs")).as(set).hasSize(1);
      assertThat(s.getJsonObject("p99RatioFloodToQuiet").getInteger("n")).as(set).isEqualTo(1);
      for (String side : new String[] {"quiet", "flood"}) {
        assertThat(s.getJsonObject(side).getLong("operations")).as(set + " " + side).isPositive();
        if (set.equals("held")) { // the no-hold set may overload a busy machine: that is its point
          assertThat(s.getJsonObject(side).getLong("failures")).as(set + " " + side).isZero();
        }
      }
      JsonObject statuses = s.getJsonObject("floodAnswersByStatus");
      assertThat(statuses.fieldNames()).as(set + ": the flood got only 401 and 429").isSubsetOf("401", "429");
    }
    // answered at once (no hold), a tiny block sees the refusals; held ones may all fall after it
    assertThat(result.getJsonObject("noHold").getJsonObject("floodAnswersByStatus").getLong("429", 0L)).isPositive();
    assertThat(result.getJsonObject("held").getJsonObject("failuresByOutcome").isEmpty()).isTrue();
    JsonObject targets = result.getJsonObject("targets");
    assertThat(targets.fieldNames()).containsExactlyInAnyOrder("p99Ratio", "noFailures");
    assertThat(targets.getJsonObject("noFailures").getBoolean("met")).isTrue();
    assertThat(result.getJsonArray("headlines")).hasSize(2);
    assertThat(BenchMain.BY_NAME_ONLY).contains(TokenFloodBench.NAME);
  }
}
