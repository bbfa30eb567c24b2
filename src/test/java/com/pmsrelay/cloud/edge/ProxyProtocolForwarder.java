package com.pmsrelay.cloud.edge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.function.Supplier;

/**
 * A TCP load balancer in a test: each connection it accepts on loopback is forwarded to the target
 * port after a PROXY protocol header of {@code header}'s making (what an HAProxy {@code send-proxy}
 * or an AWS NLB does), then its bytes both ways untouched: TLS passes through it.
 */
public final class ProxyProtocolForwarder implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;

  private ProxyProtocolForwarder(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  /** Listens on a free loopback port; forwards to {@code 127.0.0.1:targetPort}. */
  public static ProxyProtocolForwarder start(Vertx vertx, int targetPort, Supplier<byte[]> header) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          in.close();
          return;
        }
        NetSocket out = connected.result();
        out.write(Buffer.buffer(header.get()));
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      });
    });
    server.listen(0, "127.0.0.1").await();
    return new ProxyProtocolForwarder(server, client);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
