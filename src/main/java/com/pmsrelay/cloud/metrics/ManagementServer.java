package com.pmsrelay.cloud.metrics;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.logging.LogLevelHandler;
import com.pmsrelay.common.metrics.MetricsHandler;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The management listener: {@code GET /metrics} (Prometheus text) and {@code GET|PUT /log-level}
 * on {@code management.host} and {@code port}, apart from the API so that it is never reachable
 * where integrators are. Anything else is a 404 problem.
 */
public final class ManagementServer extends VerticleBase {
  private final ManagementConfig config;
  private final NodeMetrics metrics;
  private HttpServer server;

  public ManagementServer(ManagementConfig config, NodeMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(new MetricsHandler(metrics));
    router.route("/log-level").method(HttpMethod.GET).method(HttpMethod.PUT).handler(new LogLevelHandler());
    // Its own problem (the API's writer lives above this package): nothing else is served here.
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", ErrorCode.NOT_FOUND.title()).put("status", 404)
            .put("detail", "this listener serves GET /metrics and GET or PUT /log-level only").put("code", ErrorCode.NOT_FOUND.code()).toBuffer()));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
