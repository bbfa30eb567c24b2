package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.config.CloudConfig.HttpConfig;
import com.pmsrelay.cloud.edge.ClientAddress;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The connections of one API instance: each is admitted against the node's per-address cap or
 * closed at once, and timed by its own {@link ConnectionTimeouts} until it closes. The cap counts
 * TCP peers (with the PROXY protocol, the addresses the load balancer names); a trusted proxy's own
 * connections are not counted (it carries every client behind it: a cap on it would let one of
 * them shut the others out), nor any behind a TLS proxy this node cannot see past
 * ({@link HttpConfig#capsConnectionsPerAddress}). Used on the instance's event loop only.
 */
final class ApiConnections {
  private final Vertx vertx;
  private final HttpConfig config;
  /** Null when connections are not capped per address. */
  private final ConnectionCap cap;
  private final ClientAddress clients;
  private final Map<HttpConnection, ConnectionTimeouts> clocks = new IdentityHashMap<>();

  ApiConnections(Vertx vertx, HttpConfig config, ConnectionCap cap, ClientAddress clients) {
    this.vertx = vertx;
    this.config = config;
    this.cap = config.capsConnectionsPerAddress() ? cap : null;
    this.clients = clients;
  }

  /** The server's connection handler: a new connection (its TLS handshake done), before any request. */
  void opened(HttpConnection connection) {
    String address = connection.remoteAddress().hostAddress();
    boolean counted = cap != null && !clients.fromTrustedProxy(address);
    if (counted && !cap.admit(address)) {
      connection.close();
      return;
    }
    ConnectionTimeouts clock = ConnectionTimeouts.start(vertx, connection, config.idleTimeoutMs(),
        config.headerTimeoutMs());
    clocks.put(connection, clock);
    connection.closeHandler(v -> {
      clocks.remove(connection);
      clock.closed();
      if (counted) {
        cap.release(address);
      }
    });
  }

  /** The router's first handler: the request's head is complete; its answer's end restarts the clock. */
  void begun(RoutingContext ctx) {
    ConnectionTimeouts clock = clocks.get(ctx.request().connection());
    if (clock != null) {
      clock.requestBegun();
      ctx.addEndHandler(ended -> clock.answerEnded());
    }
  }

  /** A request the codec could not read: answered, then Vert.x closes its connection; no clock meanwhile. */
  void invalid(HttpServerRequest request) {
    ConnectionTimeouts clock = clocks.get(request.connection());
    if (clock != null) {
      clock.requestBegun();
    }
  }
}
