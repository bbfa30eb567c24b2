package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Strict reading of console requests: anything malformed is a 400 with a reason. */
final class ConsoleRequests {
  private ConsoleRequests() {}

  static JsonObject json(RoutingContext ctx) {
    try {
      if (ctx.body() != null && ctx.body().buffer() != null && ctx.body().length() > 0
          && io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // reported below
    }
    throw new RelayException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
  }

  static String text(JsonObject body, String field, int maxLength) {
    if (!(body.getValue(field) instanceof String s) || s.isEmpty() || s.length() > maxLength) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'" + field + "' is required");
    }
    return s;
  }

  static GrantStatus status(JsonObject body) {
    String status = text(body, "status", 20);
    if (!status.equals("enabled") && !status.equals("disabled") && !status.equals("blocked")) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'status' must be enabled, disabled or blocked");
    }
    return GrantStatus.fromWire(status);
  }

  /** Filters: kind (query|registered|schema|admin), outcome (a code, succeeded, or refused), actor, from/to (ISO-8601), before, limit. */
  static AuditStore.Query auditQuery(RoutingContext ctx, String practiceId, int maxLimit) {
    String kind = ctx.queryParams().get("kind");
    if (kind != null && !kind.equals("query") && !kind.equals("admin") && !kind.equals("schema")
        && !kind.equals("registered")) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'kind' must be query, registered, schema or admin");
    }
    return new AuditStore.Query(practiceId, instant(ctx, "from"), instant(ctx, "to"), ctx.queryParams().get("actor"),
        kind, ctx.queryParams().get("outcome"), number(ctx, "before", 1, Long.MAX_VALUE),
        number(ctx, "limit", 1, maxLimit) == null ? 100 : number(ctx, "limit", 1, maxLimit).intValue());
  }

  private static Long instant(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'" + name + "' must be an ISO-8601 instant");
    }
  }

  static Long number(RoutingContext ctx, String name, long min, long max) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return null;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new RelayException(ErrorCode.INVALID_REQUEST, "'" + name + "' must be a number from " + min + " to " + max);
  }
}
