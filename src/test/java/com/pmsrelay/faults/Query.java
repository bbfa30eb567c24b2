package com.pmsrelay.faults;

import io.vertx.core.json.JsonObject;

/**
 * One integrator request, tagged for {@link CountingPms}, and the whole answer it must get if it
 * succeeds: that many rows, each carrying the tag, and {@code truncated} as given.
 */
record Query(String tag, JsonObject body, boolean ndjson, int rows, boolean truncated) {

  /** A short result: 50 rows of {@code dbo.QuickRows}. */
  static Query quick(String tag, boolean ndjson) {
    return new Query(tag, sql("SELECT TOP 50 N, Tag FROM dbo.QuickRows WHERE Tag = '" + tag + "'"), ndjson, 50, false);
  }

  /** All of {@code dbo.QuickRows} capped at 40 rows by {@code maxRows}: truncated. */
  static Query truncated(String tag, boolean ndjson) {
    return new Query(tag, sql("SELECT N, Tag FROM dbo.QuickRows WHERE Tag = '" + tag + "'").put("maxRows", 40), ndjson,
        40, true);
  }

  /** A long stream: {@code rows} rows of {@code dbo.SlowRows}, read as the agent fetches them. */
  static Query stream(String tag, int rows, boolean ndjson) {
    return new Query(tag, sql("SELECT TOP " + rows + " N, Filler, Tag FROM dbo.SlowRows WHERE Tag = '" + tag + "'"),
        ndjson, rows, false);
  }

  /** A statement held on the database for about {@code millis} before its one row. */
  static Query held(String tag, int millis, boolean ndjson) {
    return new Query(tag, sql("SELECT COUNT(*) AS C, MAX(Tag) AS Tag FROM (SELECT TOP " + millis
        + " N, Tag FROM dbo.HeldRows WHERE Tag = '" + tag + "') h"), ndjson, 1, false);
  }

  private static JsonObject sql(String sql) {
    return new JsonObject().put("sql", sql).put("timeoutMs", 60_000);
  }
}
