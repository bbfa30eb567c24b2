package com.pmsrelay.cloud.metrics;

import com.pmsrelay.common.metrics.MetricsHandler;
import com.pmsrelay.common.metrics.NodeMetrics;
import com.pmsrelay.common.metrics.NotServedHere;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The management listener: {@code GET /metrics} (Prometheus text) and the operator API (its own
 * token) on {@code management.host} and {@code port}, apart from the API so that it is never
 * reachable where integrators are. Anything else is a 404 problem.
 */
public final class ManagementServer extends VerticleBase {
  private final ManagementConfig config;
  private final NodeMetrics metrics;
  /** Routes of other parts served here too (the operator API), mounted before the 404. */
  private final java.util.function.Consumer<Router> routes;
  private HttpServer server;

  public ManagementServer(ManagementConfig config, NodeMetrics metrics) {
    this(config, metrics, router -> {});
  }

  public ManagementServer(ManagementConfig config, NodeMetrics metrics, java.util.function.Consumer<Router> routes) {
    this.config = config;
    this.metrics = metrics;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(new MetricsHandler(metrics));
    routes.accept(router);
    router.route().last().handler(new NotServedHere("GET /metrics and POST /operator/commands"));
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
