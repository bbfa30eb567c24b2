package com.pmsrelay.cloud.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * This node's id and the nodes it knows of: the cluster's members when clustered (Hazelcast's
 * member ids, which are Vert.x's node ids), else this node alone under an id of its own.
 */
public interface ClusterView {
  String nodeId();

  /** Every node of the cluster, this one included. */
  List<String> nodes();

  /** Calls {@code listener} (on a cluster thread) with the id of every node that leaves. */
  void onNodeLeft(Consumer<String> listener);

  static ClusterView of(Vertx vertx) {
    if (!vertx.isClustered()) {
      String id = UUID.randomUUID().toString();
      return new ClusterView() {
        @Override
        public String nodeId() {
          return id;
        }

        @Override
        public List<String> nodes() {
          return List.of(id);
        }

        @Override
        public void onNodeLeft(Consumer<String> listener) {
          // alone: no other node can leave
        }
      };
    }
    HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
    return new ClusterView() {
      @Override
      public String nodeId() {
        return manager.getNodeId();
      }

      @Override
      public List<String> nodes() {
        return manager.getNodes();
      }

      @Override
      public void onNodeLeft(Consumer<String> listener) {
        // Hazelcast's own listener: Vert.x keeps its cluster manager's single node listener for itself.
        manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent event) {
            // a node joining changes nothing underway
          }

          @Override
          public void memberRemoved(MembershipEvent event) {
            listener.accept(event.getMember().getUuid().toString());
          }
        });
      }
    };
  }
}
