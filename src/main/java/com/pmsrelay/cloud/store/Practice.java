package com.pmsrelay.cloud.store;

import java.time.OffsetDateTime;

/** A practice and what the cloud last heard from its agent. */
public record Practice(
    String practiceId,
    String name,
    String pmsKind,
    String pmsVersion,
    String agentVersion,
    boolean agentConnected,
    OffsetDateTime agentLastSeen) {}
