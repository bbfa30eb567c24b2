package com.pmsrelay.cloud.http;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Reading request parts strictly: anything malformed becomes a 400, never a 500. */
final class Requests {
  private Requests() {}

  static JsonObject jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "the body must be application/json");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
    }
    throw new RelayException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
  }

  /** A practice id from the path; anything but a UUID cannot name a practice. */
  static String practiceId(RoutingContext ctx) {
    return uuid(ctx.pathParam("practiceId"));
  }

  /** A query id from the path; anything but a UUID cannot name a query. */
  static String queryId(RoutingContext ctx) {
    return uuid(ctx.pathParam("queryId"));
  }

  /** A registration id from the path; anything but a UUID cannot name one. */
  static String registrationId(RoutingContext ctx) {
    return uuid(ctx.pathParam("registrationId"));
  }

  /** A whole-number query parameter within bounds, or its default; anything else is a 400. */
  static long longParam(RoutingContext ctx, String name, long defaultValue, long min, long max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new RelayException(ErrorCode.INVALID_REQUEST, "'" + name + "' must be a whole number from " + min + " to " + max);
  }

  private static String uuid(String id) {
    try {
      return UUID.fromString(id).toString().equals(id.toLowerCase(java.util.Locale.ROOT)) ? id.toLowerCase(java.util.Locale.ROOT) : null;
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }
}
