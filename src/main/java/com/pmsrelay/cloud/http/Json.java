package com.pmsrelay.cloud.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers. */
final class Json {
  private Json() {}

  static void ok(RoutingContext ctx, JsonObject body) {
    ok(ctx, body.toBuffer());
  }

  /** A JSON document already encoded. */
  static void ok(RoutingContext ctx, io.vertx.core.buffer.Buffer body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body);
  }
}
