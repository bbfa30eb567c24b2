package com.pmsrelay.cloud.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code management.latencyHistograms}: the latency histograms kept by grant, by practice or for the
 * node, as the scrape shows them; the counters per grant whatever the choice.
 */
class RelayMetersTest {
  /** Two integrators at practice p1, one at p2; each query 2 rows (7 bytes), 40 ms queued, 3 s running, 4 s in all. */
  private static List<String> scrapeAfterThreeQueries(RelayMeters.LatencyBy by) {
    NodeMetrics metrics = new NodeMetrics();
    try {
      RelayMeters meters = new RelayMeters(metrics.registry(), by);
      for (String[] grant : new String[][] {{"p1", "cli_a"}, {"p1", "cli_b"}, {"p2", "cli_a"}}) {
        meters.audited(AuditRecord.query(grant[0], grant[1], "succeeded", "q", "h", "SELECT 1", 0, 2L, 7L, 40L, 3_000L));
        meters.queryTook(grant[0], grant[1], 4_000_000_000L);
      }
      return metrics.scrape().lines().filter(l -> l.startsWith("pmsrelay_quer")).toList(); // pmsrelay_query… and pmsrelay_queries…
    } finally {
      metrics.close();
    }
  }

  private static Stream<String> counts(List<String> lines, String histogram) {
    return lines.stream().filter(l -> l.startsWith(histogram + "_count"));
  }

  @Test
  void byGrantEachPracticeAndIntegratorHasItsHistograms() {
    List<String> lines = scrapeAfterThreeQueries(RelayMeters.LatencyBy.GRANT);
    assertThat(counts(lines, "pmsrelay_query_seconds")).containsExactlyInAnyOrder(
        "pmsrelay_query_seconds_count{integrator=\"cli_a\",practice=\"p1\"} 1",
        "pmsrelay_query_seconds_count{integrator=\"cli_b\",practice=\"p1\"} 1",
        "pmsrelay_query_seconds_count{integrator=\"cli_a\",practice=\"p2\"} 1");
    assertThat(counts(lines, "pmsrelay_query_execution_seconds")).hasSize(3);
  }

  @Test
  void byPracticeItsIntegratorsShareThem() {
    List<String> lines = scrapeAfterThreeQueries(RelayMeters.LatencyBy.PRACTICE);
    assertThat(counts(lines, "pmsrelay_query_seconds")).containsExactlyInAnyOrder(
        "pmsrelay_query_seconds_count{practice=\"p1\"} 2", "pmsrelay_query_seconds_count{practice=\"p2\"} 1");
    assertThat(counts(lines, "pmsrelay_query_queue_seconds")).containsExactlyInAnyOrder(
        "pmsrelay_query_queue_seconds_count{practice=\"p1\"} 2", "pmsrelay_query_queue_seconds_count{practice=\"p2\"} 1");
    assertThat(lines).contains("pmsrelay_query_execution_seconds_bucket{practice=\"p1\",le=\"5.0\"} 2");
  }

  @Test
  void byNodeOneSetOfHistogramsAndTheCountersStillPerGrant() {
    List<String> lines = scrapeAfterThreeQueries(RelayMeters.LatencyBy.NODE);
    assertThat(counts(lines, "pmsrelay_query_seconds")).containsExactly("pmsrelay_query_seconds_count 3");
    assertThat(counts(lines, "pmsrelay_query_execution_seconds")).containsExactly("pmsrelay_query_execution_seconds_count 3");
    assertThat(lines).contains("pmsrelay_query_execution_seconds_bucket{le=\"2.5\"} 0",
        "pmsrelay_query_execution_seconds_bucket{le=\"5.0\"} 3");
    assertThat(lines.stream().filter(l -> l.startsWith("pmsrelay_query_rows_total{"))).containsExactlyInAnyOrder(
        "pmsrelay_query_rows_total{integrator=\"cli_a\",practice=\"p1\"} 2.0",
        "pmsrelay_query_rows_total{integrator=\"cli_b\",practice=\"p1\"} 2.0",
        "pmsrelay_query_rows_total{integrator=\"cli_a\",practice=\"p2\"} 2.0");
    assertThat(lines.stream().filter(l -> l.startsWith("pmsrelay_queries_total{"))).hasSize(3);
  }

  @Test
  void theShippedChoiceIsByGrantAndAnUnknownOneNamesTheKey() {
    JsonObject json = ConfigLoader.defaults("cloud");
    assertThat(CloudConfig.from(json).management().latencyHistograms()).isEqualTo(RelayMeters.LatencyBy.GRANT);
    json.getJsonObject("management").put("latencyHistograms", "integrator");
    assertThatThrownBy(() -> CloudConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("management.latencyHistograms").hasMessageContaining("[grant, practice, node]");
  }
}
