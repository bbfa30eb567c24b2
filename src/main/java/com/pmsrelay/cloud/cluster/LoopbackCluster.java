package com.pmsrelay.cloud.cluster;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The {@code cluster} config sections of several cloud nodes in one process on loopback (the
 * demo's {@code --nodes}, the cluster tests and benchmarks): each node's Hazelcast and event-bus
 * ports free when asked, every node listing all of them as its members.
 */
public final class LoopbackCluster {
  private static final String HOST = "127.0.0.1";

  private LoopbackCluster() {}

  /** One section for each of {@code nodes} nodes, to merge into each node's {@code cluster}. */
  public static List<JsonObject> sections(int nodes) {
    int[] ports = IntStream.range(0, nodes).map(i -> freePort()).toArray();
    String members = String.join(",", IntStream.of(ports).mapToObj(p -> HOST + ":" + p).toList());
    List<JsonObject> sections = new ArrayList<>();
    for (int port : ports) {
      sections.add(new JsonObject().put("enabled", true).put("host", HOST).put("port", port)
          .put("eventBusPort", freePort()).put("members", members));
    }
    return sections;
  }

  /** A port free on loopback now: nodes must not clash with a cluster already running here. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
