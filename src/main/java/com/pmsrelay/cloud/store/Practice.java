package com.pmsrelay.cloud.store;

import java.time.OffsetDateTime;

/**
 * A practice and what the cloud last heard from its agent, including the load it reported with
 * its last heartbeat (null until it reported one). A connected agent's last-seen counts its node's
 * last alive time too (see {@code PracticeStore}), unless it is unresponsive: a query sent to it went
 * unacknowledged while its connection stayed up.
 */
public record Practice(
    String practiceId,
    String name,
    String pmsKind,
    String pmsVersion,
    String agentVersion,
    boolean agentConnected,
    OffsetDateTime agentLastSeen,
    Integer agentQueued,
    Integer agentRunning,
    boolean agentUnresponsive) {

  public Practice(String practiceId, String name, String pmsKind, String pmsVersion, String agentVersion,
      boolean agentConnected, OffsetDateTime agentLastSeen) {
    this(practiceId, name, pmsKind, pmsVersion, agentVersion, agentConnected, agentLastSeen, null, null, false);
  }
}
