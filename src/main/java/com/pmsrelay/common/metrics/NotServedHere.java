package com.pmsrelay.common.metrics;

import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A management listener's last route (the cloud's and the agent's): anything it does not serve is a
 * 404 problem naming what it does. Its own writer: the API's lives in the cloud, above this package.
 */
public final class NotServedHere implements Handler<RoutingContext> {
  private final String served;

  /** {@code served}: what the listener serves, as the detail says it ("GET /metrics and …"). */
  public NotServedHere(String served) {
    this.served = served;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", ErrorCode.NOT_FOUND.title()).put("status", 404)
            .put("detail", "this listener serves " + served + " only").put("code", ErrorCode.NOT_FOUND.code()).toBuffer());
  }
}
