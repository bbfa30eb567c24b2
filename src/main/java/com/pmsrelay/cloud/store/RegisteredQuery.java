package com.pmsrelay.cloud.store;

/**
 * A registered query as the store keeps it ({@code registered_queries}); {@code paramsSealed} is
 * the parameter values sealed with the results key (null when there are none); {@code expiredAtMs}
 * when the cloud's sweep marked it expired (null before).
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
    long changes,
    Long expiredAtMs) {

  public boolean expired(long nowMs) {
    return nowMs >= expiresAtMs;
  }

  /**
   * What the integrator and the practice admin are told: {@code active} while it runs,
   * {@code paused} while its grant does not allow queries (disabled, blocked, quarantined or
   * never enabled), {@code expired} after its expiry.
   */
  public String status(GrantStatus grant, long nowMs) {
    if (expired(nowMs)) {
      return "expired";
    }
    return grant == GrantStatus.ENABLED ? "active" : "paused";
  }
}
