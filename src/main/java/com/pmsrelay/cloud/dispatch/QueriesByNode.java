package com.pmsrelay.cloud.dispatch;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Queries underway by the cloud node that holds their agent's socket. When a node leaves the
 * cluster (killed, or cut off), or the agent connects to another node (often sooner: it reconnects
 * within a second, the cluster drops a silent node after 5 s), the queries carried by the old node
 * fail at once with a retryable 503 instead of waiting for an answer that can no longer come.
 */
final class QueriesByNode {
  private final ConcurrentHashMap<QueryStream, String> nodes = new ConcurrentHashMap<>();

  void carriedBy(QueryStream stream, String node) {
    nodes.put(stream, node);
  }

  void done(QueryStream stream) {
    nodes.remove(stream);
  }

  /** Called on a cluster thread; each stream fails on its own context. */
  void nodeLeft(String node) {
    nodes.forEach((stream, carrier) -> {
      if (carrier.equals(node)) {
        lost(stream);
      }
    });
  }

  /** The practice's agent is now held by {@code node}: its queries carried by any other are lost. */
  void agentMoved(String practiceId, String node) {
    nodes.forEach((stream, carrier) -> {
      if (!carrier.equals(node) && stream.practiceId().equals(practiceId)) {
        lost(stream);
      }
    });
  }

  private void lost(QueryStream stream) {
    if (nodes.remove(stream) != null) {
      stream.carrierLost();
    }
  }
}
