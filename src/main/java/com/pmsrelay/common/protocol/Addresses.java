package com.pmsrelay.common.protocol;

/** Event-bus and bridge addresses, in one place. */
public final class Addresses {
  /** The first frame of every agent socket is a send to this address (authentication). */
  public static final String AGENT_AUTH = "relay.agent.auth";
  private static final String PRACTICE_PREFIX = "relay.practice.";
  private static final String STREAM_PREFIX = "relay.stream.";
  private static final String INBOX_PREFIX = "relay.inbox.";
  /**
   * Within the cloud: published by the node where a practice's agent has just connected
   * ({@code {"practiceId", "node"}}); queries carried by its old node can no longer be answered.
   */
  public static final String AGENT_MOVED = "relay.agent.moved";
  /**
   * Within one node (local only): a failed token request, {@code {"clientId", "address"}}, told by
   * the API to the node's suspicious-activity monitor.
   */
  public static final String MONITOR_TOKEN_FAILED = "relay.monitor.token-failed";
  /**
   * Within one node (local only): an agent authenticated ({@code {"event": "authenticated",
   * "practiceId", "address"}}) or its connection was taken over by a newer one ({@code "takeover"},
   * with the old and new addresses and boot ids), told by the bridge to the node's monitor.
   */
  public static final String MONITOR_AGENT = "relay.monitor.agent";
  /**
   * Agent to cloud: what came of one run of a registered query ({@link Registration.RunNote}); the
   * bridge hands it, with the practice it authenticated, to the node's registered queries
   * ({@link #REGISTERED_NOTES}, node-local).
   */
  public static final String REGISTERED_RUNS = "relay.registered.runs";
  /**
   * Within the cloud (published to every node): a practice's registered queries changed,
   * {@code {"practiceId"}}; the node holding its agent reads the set and sends it.
   */
  public static final String REGISTERED_SYNC = "relay.registered.sync";
  /** Within one node (local only): a run note from an agent connected here, {@code {"practiceId", "note"}}. */
  public static final String REGISTERED_NOTES = "relay.registered.notes";
  /** The header naming the query a result message sent to an {@link #inbox} belongs to. */
  public static final String INBOX_QUERY_HEADER = "q";

  private Addresses() {}

  /** Where queries for one practice are sent; registered by that practice's agent only. */
  public static String practice(String practiceId) {
    return PRACTICE_PREFIX + practiceId;
  }

  /** Where the agent sends the result chunks of one query. */
  public static String stream(String queryId) {
    return STREAM_PREFIX + queryId;
  }

  /**
   * Within the cloud: where a node's bridge sends the result messages of the queries dispatched
   * from one event loop of one node (the query's id in a header). One address per loop, registered
   * in the cluster once, rather than one per query: a query costs the cluster registry nothing.
   */
  public static String inbox(String id) {
    return INBOX_PREFIX + id;
  }

  public static boolean isStream(String address) {
    return address != null && address.startsWith(STREAM_PREFIX);
  }
}
