package com.pmsrelay.cloud.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every cloud node that joins or leaves the cluster, with the count after it: the operator's view of the cluster. */
final class MembershipLog implements MembershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLog.class);

  @Override
  public void memberAdded(MembershipEvent event) {
    LOG.info("cloud node {} joined the cluster (cluster size {})", event.getMember().getUuid(), event.getMembers().size());
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    LOG.warn("cloud node {} left the cluster (cluster size {})", event.getMember().getUuid(), event.getMembers().size());
  }
}
