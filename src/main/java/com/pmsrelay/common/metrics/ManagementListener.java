package com.pmsrelay.common.metrics;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * A node's management listener, apart from anything integrators or agents reach: {@code GET
 * /metrics} (Prometheus text), the routes the node adds (the cloud's operator API, the agent's log
 * levels), and a 404 problem naming what is served for anything else. Port 0: any free port.
 */
public final class ManagementListener extends VerticleBase {
  private final String host;
  private final int port;
  private final NodeMetrics metrics;
  private final Consumer<Router> routes;
  private final String served;
  private HttpServer server;

  /** {@code served}: what the 404 says is here ("GET /metrics and …"). */
  public ManagementListener(String host, int port, NodeMetrics metrics, Consumer<Router> routes, String served) {
    this.host = host;
    this.port = port;
    this.metrics = metrics;
    this.routes = routes;
    this.served = served;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(new MetricsHandler(metrics));
    routes.accept(router);
    router.route().last().handler(new NotServedHere(served));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
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
