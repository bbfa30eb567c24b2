package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.PracticeStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The TLS endpoint agents dial into. It speaks the framing of Vert.x's TCP event-bus bridge but is
 * our own, because that bridge's parser has no frame limit and no hook before it: here every
 * socket is held to {@link BridgeGuard} from its first byte. Behind a TCP load balancer that sends
 * the PROXY protocol ({@code bridge.proxyProtocol}), Vert.x reads the header before TLS and the
 * socket's remote address (logged, and compared by the monitor's agentKey rule) is the agent's.
 */
public final class BridgeServer extends VerticleBase {
  private final BridgeConfig config;
  private final TlsMaterial tls;
  private final PracticeStore practices;
  private final HeartbeatRecorder heartbeats;
  private final AgentDirectory directory;
  private final String nodeId;
  /** The node's one log of connections refused for want of a PROXY header, shared by every instance. */
  private final com.pmsrelay.cloud.edge.ProxyHeaderRefusals refusals;
  private final ReleaseOffers offers;
  private NetServer server;
  private SilenceSweep sweep;
  private long sweepTimer;

  public BridgeServer(BridgeConfig config, TlsMaterial tls, PracticeStore practices, HeartbeatRecorder heartbeats,
      AgentDirectory directory, String nodeId, com.pmsrelay.cloud.edge.ProxyHeaderRefusals refusals, ReleaseOffers offers) {
    this.config = config;
    this.tls = tls;
    this.practices = practices;
    this.heartbeats = heartbeats;
    this.directory = directory;
    this.nodeId = nodeId;
    this.refusals = refusals;
    this.offers = offers;
  }

  @Override
  public Future<?> start() {
    ResultMessageCodec.registerOn(vertx.eventBus());
    NetServerOptions options = new NetServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()))
        .setTcpNoDelay(true);
    if (config.proxyProtocol()) {
      // Netty reads the header before the TLS handshake; a connection without one is closed by it.
      options.setUseProxyProtocol(true)
          .setProxyProtocolTimeout(config.authTimeoutMs())
          .setProxyProtocolTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    sweep = new SilenceSweep(config.heartbeatTimeoutMs());
    sweepTimer = vertx.setPeriodic(sweep.periodMs(), id -> sweep.sweep(System.currentTimeMillis()));
    server = vertx.createNetServer(options);
    if (config.proxyProtocol()) {
      server.exceptionHandler(refusals::failed);
    }
    server.connectHandler(socket -> new AgentSession(vertx, socket, config, practices, heartbeats, directory, sweep, nodeId, offers));
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  /** The port actually bound (the configured one, or the one chosen for port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
