package com.pmsrelay.bench;

import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The baseline of the bridge benchmarks: a Vert.x TLS server with the bridge's certificate and
 * socket options (no idle time-out: nothing is expected of the connections) that accepts
 * connections and holds them, answering whatever arrives in one read with a pong frame (the
 * least a server does for an agent's ping) and otherwise doing nothing. Runs in a child JVM:
 * {@code RawTlsServer CERT_PEM KEY_PEM} prints the port it listens on, on 127.0.0.1.
 */
public final class RawTlsServer {
  private static final Pattern LISTENING = Pattern.compile("raw TLS server listening on port (\\d+)");

  /** The running child and its port. */
  record Running(ChildJvm jvm, int port) implements ChildJvm.Server {
    @Override
    public void close() throws InterruptedException {
      jvm.close();
    }
  }

  private RawTlsServer() {}

  static Running start(Path dir, TlsMaterial tls) throws IOException, InterruptedException {
    ChildJvm jvm = ChildJvm.start("raw-tls-server", dir, List.of(), RawTlsServer.class.getName(), tls.certPath(), tls.keyPath());
    try {
      int port = Integer.parseInt(jvm.awaitLine(LISTENING, Duration.ofSeconds(60)).group(1));
      return new Running(jvm, port);
    } catch (IOException | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Vertx vertx = VertxRuntime.create();
    NetServerOptions options = new NetServerOptions()
        .setHost("127.0.0.1")
        .setPort(0)
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[0]).setKeyPath(args[1]))
        .setTcpNoDelay(true);
    int port;
    try {
      byte[] pong = Frames.encode(Frames.pong()).getBytes();
      port = vertx.createNetServer(options)
          .connectHandler(socket -> socket.handler(bytes -> socket.write(Buffer.buffer(pong))))
          .listen().await().actualPort();
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(1); // the event-loop threads would keep a JVM that serves nothing
      return;
    }
    System.out.println("raw TLS server listening on port " + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
