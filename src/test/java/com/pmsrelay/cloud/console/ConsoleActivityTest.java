package com.pmsrelay.cloud.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore.QueryPoint;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The activity charts' arithmetic and the CSV export's escaping. */
class ConsoleActivityTest {
  @Test
  void p95IsTheNearestRankAndAbsentWithoutSamples() {
    assertThat(ConsoleActivity.p95(List.of())).isNull();
    assertThat(ConsoleActivity.p95(List.of(7L))).isEqualTo(7L);
    assertThat(ConsoleActivity.p95(LongStream.rangeClosed(1, 100).boxed().toList())).isEqualTo(95L);
    assertThat(ConsoleActivity.p95(LongStream.rangeClosed(1, 20).map(i -> 21 - i).boxed().toList())).isEqualTo(19L);
  }

  @Test
  void bucketsPerIntegrationWithRatesRowsErrorsAndLatency() {
    ConsoleActivity.Period day = ConsoleActivity.Period.parse("day");
    long now = 1_700_000_000_000L;
    long from = day.from(now);
    assertThat(from % day.bucketMs).isZero();
    List<QueryPoint> points = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      points.add(new QueryPoint(from + 1000 + i, "a", "succeeded", 2L, (long) i));
    }
    points.add(new QueryPoint(from + 1000, "a", "integration_disabled", null, null));
    points.add(new QueryPoint(from + day.bucketMs * 3, "b", "succeeded", 5L, 9L));
    points.add(new QueryPoint(from - 1, "b", "succeeded", 5L, 9L)); // before the period: ignored

    JsonObject json = ConsoleActivity.activity(day, from, points);
    assertThat(json.getJsonArray("time")).hasSize(96);
    assertThat(json.getLong("bucketSeconds")).isEqualTo(900);
    JsonObject a = json.getJsonArray("integrations").getJsonObject(0);
    assertThat(a.getString("clientId")).isEqualTo("a");
    assertThat(a.getJsonObject("totals").getLong("queries")).isEqualTo(31);
    assertThat(a.getJsonObject("totals").getLong("errors")).isEqualTo(1);
    assertThat(a.getJsonObject("totals").getLong("rows")).isEqualTo(60);
    assertThat(a.getJsonArray("queriesPerMinute").getDouble(0)).isEqualTo(31 / 15.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(a.getJsonArray("p95Ms").getLong(0)).isEqualTo(28L);
    assertThat(a.getJsonArray("p95Ms").getValue(1)).isNull();
    JsonObject b = json.getJsonArray("integrations").getJsonObject(1);
    assertThat(b.getJsonObject("totals").getLong("queries")).isEqualTo(1);
    assertThat(b.getJsonArray("rows").getLong(3)).isEqualTo(5);
  }

  @Test
  void anUnknownPeriodIsABadRequest() {
    assertThat(ConsoleActivity.Period.parse(null)).isEqualTo(ConsoleActivity.Period.HOUR);
    assertThatThrownBy(() -> ConsoleActivity.Period.parse("year")).isInstanceOf(RelayException.class);
  }

  @Test
  void csvQuotesAndDefusesFormulas() {
    assertThat(ConsoleCsv.cell("plain")).isEqualTo("plain");
    assertThat(ConsoleCsv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(ConsoleCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(ConsoleCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(ConsoleCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(ConsoleCsv.cell(null)).isEmpty();
    String csv = ConsoleCsv.of(List.of(AuditRecord.query("p", "cli_x", "sql_rejected", "q1", "h", "SELECT 1,\n2", 0,
        null, null, null, null)));
    assertThat(csv).startsWith(ConsoleCsv.HEADER).contains(",cli_x,query,sql_rejected,q1,h,\"SELECT 1,\n2\",0,,,,,\r\n");
  }
}
