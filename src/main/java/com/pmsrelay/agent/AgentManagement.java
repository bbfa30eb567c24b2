package com.pmsrelay.agent;

import com.pmsrelay.common.logging.LogLevelHandler;
import com.pmsrelay.common.metrics.MetricsHandler;
import com.pmsrelay.common.metrics.NodeMetrics;
import com.pmsrelay.common.metrics.NotServedHere;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The agent's management listener, on 127.0.0.1 only (never on the practice's network: nothing on
 * it is authenticated): {@code GET /metrics} for a local Prometheus or the practice's monitoring
 * agent, and {@code GET|PUT /log-level}. Port 0: any free port.
 */
public final class AgentManagement extends VerticleBase {
  public static final String HOST = "127.0.0.1";
  private final int port;
  private final NodeMetrics metrics;
  private HttpServer server;

  public AgentManagement(int port, NodeMetrics metrics) {
    this.port = port;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(new MetricsHandler(metrics));
    router.route("/log-level").method(HttpMethod.GET).method(HttpMethod.PUT).handler(new LogLevelHandler());
    router.route().last().handler(new NotServedHere("GET /metrics and GET or PUT /log-level"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(port)).requestHandler(router);
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
