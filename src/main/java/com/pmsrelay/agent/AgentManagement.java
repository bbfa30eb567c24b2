package com.pmsrelay.agent;

import com.pmsrelay.common.logging.LogLevelHandler;
import com.pmsrelay.common.metrics.ManagementListener;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.http.HttpMethod;

/**
 * The agent's management listener, on 127.0.0.1 only (never on the practice's network: nothing on
 * it is authenticated): {@code GET /metrics} for a local Prometheus or the practice's monitoring
 * agent, and {@code GET|PUT /log-level}. Port 0: any free port.
 */
public final class AgentManagement {
  public static final String HOST = "127.0.0.1";

  private AgentManagement() {}

  public static ManagementListener listener(int port, NodeMetrics metrics) {
    return new ManagementListener(HOST, port, metrics,
        router -> router.route("/log-level").method(HttpMethod.GET).method(HttpMethod.PUT).handler(new LogLevelHandler()),
        "GET /metrics and GET or PUT /log-level");
  }
}
