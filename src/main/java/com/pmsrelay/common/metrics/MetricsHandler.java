package com.pmsrelay.common.metrics;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: the node's registry in Prometheus's text exposition format, never cached. */
public final class MetricsHandler implements Handler<RoutingContext> {
  /** Prometheus's text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final NodeMetrics metrics;

  public MetricsHandler(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store").end(metrics.scrape());
  }
}
