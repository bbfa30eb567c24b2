package com.pmsrelay.cloud.throttle;

import com.pmsrelay.common.config.ConfigReader;

/**
 * One {@link FailureThrottle}'s settings (config section {@code throttle.token}, {@code
 * throttle.console} or {@code throttle.operator}, with the shared keys of {@code throttle}): {@code freeFailures} failures in a
 * row cost nothing, then each waits {@code baseDelayMs} doubled per further failure, up to {@code
 * maxDelayMs} for an address and {@code accountMaxDelayMs} for an account; failures are forgotten
 * {@code forgetAfterMs} after the last, addresses that logged in are remembered {@code
 * rememberSuccessMs}; each of its maps holds at most {@code maxEntries} keys; a refused answer is
 * held back up to {@code holdMs}.
 */
public record ThrottlePolicy(int freeFailures, long baseDelayMs, long maxDelayMs, long accountMaxDelayMs,
    long forgetAfterMs, long rememberSuccessMs, int maxEntries, long holdMs) {

  /** Reads {@code throttle.<kind>} and the shared keys of {@code throttle}. */
  public static ThrottlePolicy from(ConfigReader throttle, String kind) {
    ConfigReader own = throttle.section(kind);
    return new ThrottlePolicy(
        own.integer("freeFailures", 1, 1_000),
        own.longValue("baseDelayMs", 1, 3_600_000),
        own.longValue("maxDelayMs", 1, 86_400_000),
        own.longValue("accountMaxDelayMs", 1, 86_400_000),
        throttle.longValue("forgetAfterMs", 1_000, 7L * 86_400_000),
        java.util.concurrent.TimeUnit.DAYS.toMillis(throttle.integer("rememberSuccessDays", 0, 3_650)),
        throttle.integer("maxEntries", 100, 10_000_000),
        throttle.longValue("holdMs", 0, 10_000));
  }
}
