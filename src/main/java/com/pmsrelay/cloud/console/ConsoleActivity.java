package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.AuditStore.QueryCost;
import com.pmsrelay.cloud.store.AuditStore.QueryPoint;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's activity charts, computed from the audit log's query records: per integration and
 * time bucket, queries per minute, rows returned, refused or failed queries, and the 95th
 * percentile of execution time. Series are column arrays aligned on one time axis, the shape
 * charting libraries take as is.
 */
final class ConsoleActivity {
  /** The periods the console offers, each with a bucket size that keeps about a hundred points. */
  enum Period {
    HOUR(3_600_000L, 60_000L), DAY(86_400_000L, 900_000L), WEEK(604_800_000L, 7_200_000L);

    final long spanMs;
    final long bucketMs;

    Period(long spanMs, long bucketMs) {
      this.spanMs = spanMs;
      this.bucketMs = bucketMs;
    }

    static Period parse(String value) {
      if (value == null) {
        return HOUR;
      }
      return switch (value) {
        case "hour" -> HOUR;
        case "day" -> DAY;
        case "week" -> WEEK;
        default -> throw new RelayException(ErrorCode.INVALID_REQUEST, "'period' must be hour, day or week");
      };
    }

    /** The first bucket's start: aligned, so that refreshing does not shift the buckets. */
    long from(long nowMs) {
      return (nowMs / bucketMs + 1) * bucketMs - spanMs;
    }

    int buckets() {
      return (int) (spanMs / bucketMs);
    }
  }

  /** More query records than this in one period are cut (the answer says so): a bound on memory. */
  static final int MAX_POINTS = 200_000;

  private ConsoleActivity() {}

  static JsonObject activity(Period period, long fromMs, List<QueryPoint> points) {
    int n = period.buckets();
    JsonArray time = new JsonArray();
    for (int b = 0; b < n; b++) {
      time.add((fromMs + b * period.bucketMs) / 1000);
    }
    Map<String, Series> byClient = new LinkedHashMap<>();
    for (QueryPoint p : points) {
      // floorDiv: a record just before the period would otherwise round into the first bucket.
      long b = Math.floorDiv(p.atMs() - fromMs, period.bucketMs);
      if (b >= 0 && b < n) {
        byClient.computeIfAbsent(p.actor(), k -> new Series(n)).add((int) b, p);
      }
    }
    JsonArray integrations = new JsonArray();
    byClient.forEach((clientId, s) -> integrations.add(s.json(clientId, period.bucketMs / 60_000.0)));
    return new JsonObject()
        .put("period", period.name().toLowerCase())
        .put("from", Instant.ofEpochMilli(fromMs).toString())
        .put("bucketSeconds", period.bucketMs / 1000)
        .put("partial", points.size() >= MAX_POINTS)
        .put("time", time)
        .put("integrations", integrations);
  }

  static JsonObject topQueries(Period period, List<QueryCost> costs) {
    JsonArray list = new JsonArray();
    for (QueryCost c : costs) {
      list.add(new JsonObject()
          .put("clientId", c.actor())
          .put("sqlHash", c.sqlHash())
          .put("sql", c.sqlText())
          .put("count", c.count())
          .put("errors", c.errors())
          .put("rows", c.rows())
          .put("totalMs", c.totalMs())
          .put("avgMs", c.count() == 0 ? 0 : Math.round((double) c.totalMs() / c.count()))
          .put("maxMs", c.maxMs()));
    }
    return new JsonObject().put("period", period.name().toLowerCase()).put("queries", list);
  }

  /** One integration's buckets. */
  private static final class Series {
    final long[] count;
    final long[] rows;
    final long[] errors;
    final List<List<Long>> execMs = new ArrayList<>();
    long totalCount;
    long totalRows;
    long totalErrors;
    final List<Long> allExecMs = new ArrayList<>();

    Series(int n) {
      count = new long[n];
      rows = new long[n];
      errors = new long[n];
      for (int i = 0; i < n; i++) {
        execMs.add(new ArrayList<>());
      }
    }

    void add(int b, QueryPoint p) {
      count[b]++;
      totalCount++;
      if (p.rows() != null) {
        rows[b] += p.rows();
        totalRows += p.rows();
      }
      if (!"succeeded".equals(p.outcome())) {
        errors[b]++;
        totalErrors++;
      }
      if (p.execMs() != null) {
        execMs.get(b).add(p.execMs());
        allExecMs.add(p.execMs());
      }
    }

    JsonObject json(String clientId, double bucketMinutes) {
      JsonArray perMinute = new JsonArray();
      JsonArray p95 = new JsonArray();
      for (int b = 0; b < count.length; b++) {
        perMinute.add(Math.round(count[b] / bucketMinutes * 100) / 100.0);
        p95.add(p95(execMs.get(b)));
      }
      return new JsonObject()
          .put("clientId", clientId)
          .put("totals", new JsonObject().put("queries", totalCount).put("rows", totalRows)
              .put("errors", totalErrors).put("p95Ms", p95(allExecMs)))
          .put("queriesPerMinute", perMinute)
          .put("rows", new JsonArray(Arrays.stream(rows).boxed().toList()))
          .put("errors", new JsonArray(Arrays.stream(errors).boxed().toList()))
          .put("p95Ms", p95);
    }
  }

  /** Nearest-rank 95th percentile; null without samples (a gap in the chart, not a zero). */
  static Long p95(List<Long> samples) {
    if (samples.isEmpty()) {
      return null;
    }
    long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    int rank = (int) Math.ceil(0.95 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
