package com.pmsrelay.cloud.store;

/**
 * A registered query as the store keeps it ({@code registered_queries}); {@code paramsSealed} is
 * the parameter values sealed with the results key (null when there are none).
 */
public record RegisteredQuery(
    String registrationId,
    String clientId,
    String practiceId,
    String sql,
    String paramsSealed,
    int paramsCount,
    String catalogue,
    int everySeconds,
    long expiresAtMs,
    long createdAtMs,
    Long lastRunAtMs,
    Long lastChangeAtMs,
    String lastResultId,
    String lastHash,
    long runs,
    long changes) {

  public boolean expired(long nowMs) {
    return nowMs >= expiresAtMs;
  }
}
