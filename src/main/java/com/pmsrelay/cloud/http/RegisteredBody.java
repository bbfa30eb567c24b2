package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.config.CloudConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The body of {@code POST /v1/practices/{id}/registered-queries}, checked field by field: the
 * statement and its parameters as an ordinary query's ({@link QueryBody}), a period within the
 * configured bounds, an expiry in the future and at most {@code registered.maxDays} ahead (the
 * default), a catalogue.
 */
record RegisteredBody(String sql, JsonArray params, int everySeconds, long expiresAtMs, String catalogue) {
  private static final Set<String> FIELDS = Set.of("sql", "params", "everySeconds", "expiresAt", "catalogue");

  static RegisteredBody parse(JsonObject json, int maxSqlChars, CloudConfig.RegisteredConfig limits, long nowMs) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw QueryBody.invalid("unknown field '" + QueryBody.truncate(field) + "'");
      }
    }
    String sql = QueryBody.sql(json, maxSqlChars);
    JsonArray params = QueryBody.params(json.getValue("params"));
    Object every = json.getValue("everySeconds");
    if (!(every instanceof Integer seconds) || seconds < limits.minEverySeconds() || seconds > limits.maxEverySeconds()) {
      throw QueryBody.invalid("'everySeconds' is required: a whole number from " + limits.minEverySeconds() + " to "
          + limits.maxEverySeconds());
    }
    long latest = nowMs + TimeUnit.DAYS.toMillis(limits.maxDays());
    long expiresAt = latest;
    Object value = json.getValue("expiresAt");
    if (value != null) {
      if (!(value instanceof String text) || text.length() > 64) {
        throw QueryBody.invalid("'expiresAt' must be an ISO-8601 instant, e.g. 2027-01-31T00:00:00Z");
      }
      try {
        expiresAt = Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw QueryBody.invalid("'expiresAt' must be an ISO-8601 instant, e.g. 2027-01-31T00:00:00Z");
      }
      if (expiresAt <= nowMs || expiresAt > latest) {
        throw QueryBody.invalid("'expiresAt' must be in the future and at most " + limits.maxDays() + " days ahead");
      }
    }
    return new RegisteredBody(sql, params, seconds, expiresAt, QueryBody.optionalString(json, "catalogue", 128));
  }
}
