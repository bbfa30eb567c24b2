package com.pmsrelay.common.logging;

import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /log-level}: the levels now; {@code PUT /log-level?level=DEBUG[&logger=com.pmsrelay.agent]}:
 * sets one, answering {@code {"logger", "level", "previous"}}; a bad level or name is a 400 problem.
 */
public final class LogLevelHandler implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.GET) {
      json(ctx, 200, LogLevels.current());
      return;
    }
    String logger = ctx.queryParams().get("logger");
    String level = ctx.queryParams().get("level");
    try {
      String previous = LogLevels.set(logger, level);
      json(ctx, 200, new JsonObject().put("logger", logger == null ? "ROOT" : logger)
          .put("level", level.toUpperCase(java.util.Locale.ROOT)).put("previous", previous));
    } catch (IllegalArgumentException e) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json")
          .end(new JsonObject().put("type", "about:blank").put("title", ErrorCode.INVALID_REQUEST.title())
              .put("status", 400).put("detail", e.getMessage()).put("code", ErrorCode.INVALID_REQUEST.code()).toBuffer());
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.toBuffer());
  }
}
