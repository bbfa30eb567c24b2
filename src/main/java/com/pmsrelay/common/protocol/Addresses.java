package com.pmsrelay.common.protocol;

/** Event-bus and bridge addresses, in one place. */
public final class Addresses {
  /** The first frame of every agent socket is a send to this address (authentication). */
  public static final String AGENT_AUTH = "relay.agent.auth";
  private static final String PRACTICE_PREFIX = "relay.practice.";
  private static final String STREAM_PREFIX = "relay.stream.";

  private Addresses() {}

  /** Where queries for one practice are sent; registered by that practice's agent only. */
  public static String practice(String practiceId) {
    return PRACTICE_PREFIX + practiceId;
  }

  /** Where the agent sends the result chunks of one query. */
  public static String stream(String queryId) {
    return STREAM_PREFIX + queryId;
  }

  public static boolean isStream(String address) {
    return address != null && address.startsWith(STREAM_PREFIX);
  }
}
