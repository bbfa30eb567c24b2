package com.pmsrelay.cloud.http;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Set;

/** The body of {@code POST /v1/practices/{id}/queries}, checked field by field (API.md, "Queries"). */
record QueryBody(
    String sql,
    JsonArray params,
    String mode,
    Integer timeoutMs,
    Integer queueTimeoutMs,
    Integer maxRows,
    String catalogue,
    String idempotencyKey) {

  static final int MAX_PARAMS = 2_000;
  private static final Set<String> FIELDS =
      Set.of("sql", "params", "mode", "timeoutMs", "queueTimeoutMs", "maxRows", "catalogue", "idempotencyKey");

  static QueryBody parse(JsonObject json, int maxSqlChars) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid("unknown field '" + truncate(field) + "'");
      }
    }
    return new QueryBody(
        sql(json, maxSqlChars),
        params(json.getValue("params")),
        mode(json.getValue("mode")),
        positive(json, "timeoutMs", 1),
        positive(json, "queueTimeoutMs", 0),
        positive(json, "maxRows", 1),
        optionalString(json, "catalogue", 128),
        optionalString(json, "idempotencyKey", 200));
  }

  /** The body's {@code sql}: required, not blank, at most {@code maxSqlChars} long (registered queries share it). */
  static String sql(JsonObject json, int maxSqlChars) {
    Object sql = json.getValue("sql");
    if (!(sql instanceof String text) || text.isBlank()) {
      throw invalid("'sql' is required and must be a non-empty string");
    }
    if (text.length() > maxSqlChars) {
      throw invalid("'sql' has " + text.length() + " characters; the limit is " + maxSqlChars);
    }
    return text;
  }

  /** The body's {@code params}: values to bind, each a string, number, boolean or null (registered queries share it). */
  static JsonArray params(Object value) {
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid("'params' must be an array");
    }
    if (array.size() > MAX_PARAMS) {
      throw invalid("'params' has " + array.size() + " values; the limit is " + MAX_PARAMS
          + " (SQL Server takes at most 2,100 parameters in one statement)");
    }
    for (int i = 0; i < array.size(); i++) {
      Object p = array.getValue(i);
      if (p != null && !(p instanceof String) && !(p instanceof Number) && !(p instanceof Boolean)) {
        throw invalid("params[" + i + "] must be a string, number, boolean or null");
      }
      if (p instanceof Number n && Double.isInfinite(n.doubleValue())) {
        throw invalid("params[" + i + "] is beyond the range of any SQL Server number (float: ±1.79E+308)");
      }
    }
    return array;
  }

  private static String mode(Object value) {
    if (value == null) {
      return "immediate";
    }
    if (!"immediate".equals(value) && !"async".equals(value)) {
      throw invalid("'mode' must be \"immediate\" or \"async\"");
    }
    return (String) value;
  }

  /**
   * A whole number from {@code min} to {@link Integer#MAX_VALUE}, or null. A number out of that
   * range is told the range, not that it is not a whole number; the grant's and the agent's caps
   * lower it further, silently.
   */
  private static Integer positive(JsonObject json, String field, int min) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    String range = "from " + min + " to " + Integer.MAX_VALUE + " (the grant's limit caps it further)";
    if (!(value instanceof Number n)) {
      throw invalid("'" + field + "' must be a whole number " + range);
    }
    BigDecimal exact = n instanceof BigDecimal d ? d
        : n instanceof java.math.BigInteger b ? new BigDecimal(b) : BigDecimal.valueOf(n.longValue());
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      throw invalid("'" + field + "' must be a whole number " + range + ", not " + truncate(exact.toPlainString()));
    }
    if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw invalid("'" + field + "' is out of range: it must be " + range);
    }
    return exact.intValueExact();
  }

  static String optionalString(JsonObject json, String field, int maxLength) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isEmpty() || s.length() > maxLength) {
      throw invalid("'" + field + "' must be a string of 1 to " + maxLength + " characters");
    }
    return s;
  }

  static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static RelayException invalid(String detail) {
    return new RelayException(ErrorCode.INVALID_REQUEST, detail);
  }
}
