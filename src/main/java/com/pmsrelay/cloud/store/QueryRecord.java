package com.pmsrelay.cloud.store;

/**
 * A query the cloud keeps (async, or immediate with an idempotency key): who asked, where, its
 * status, and how it ended. {@code requestSealed} is the dispatchable request, sealed, until the
 * query ends.
 */
public record QueryRecord(
    String queryId,
    String clientId,
    String practiceId,
    String mode,
    String status,
    String idempotencyKey,
    String requestHash,
    String requestSealed,
    String nodeId,
    String acceptedBy,
    long createdAtMs,
    Long finishedAtMs,
    Long expiresAtMs,
    Long rowCount,
    Boolean truncated,
    Long resultBytes,
    Long queueMs,
    Long execMs,
    String errorCode,
    String errorDetail) {

  public static final String ASYNC = "async";
  public static final String IMMEDIATE = "immediate";

  public static final String QUEUED = "queued";
  public static final String EXECUTING = "executing";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";
  public static final String EXPIRED = "expired";

  public boolean isFinal() {
    return !QUEUED.equals(status) && !EXECUTING.equals(status);
  }

  /** A new query, queued, owned by {@code nodeId}. */
  public static QueryRecord queued(String queryId, String clientId, String practiceId, String mode,
      String idempotencyKey, String requestHash, String requestSealed, String nodeId, long nowMs) {
    return new QueryRecord(queryId, clientId, practiceId, mode, QUEUED, idempotencyKey, requestHash, requestSealed,
        nodeId, null, nowMs, null, null, null, null, null, null, null, null, null);
  }
}
