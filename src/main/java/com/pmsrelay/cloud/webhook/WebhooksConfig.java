package com.pmsrelay.cloud.webhook;

import com.pmsrelay.common.config.ConfigReader;

/**
 * Webhook delivery's settings ({@code webhooks} in conf/cloud.json): how long one attempt may take,
 * the retry schedule (exponential from {@code backoffBaseMs}, each wait capped at {@code
 * backoffMaxMs}, with full jitter) and when a notice is given up ({@code maxAgeMs} after it was
 * announced), how many attempts a node runs at once in all and for one integrator, how often a
 * node looks for due notices, and whether loopback URLs are allowed (the demo, never production).
 */
public record WebhooksConfig(
    long requestTimeoutMs,
    long backoffBaseMs,
    long backoffMaxMs,
    long maxAgeMs,
    int concurrency,
    int perIntegrator,
    long pollMs,
    int maxResponseBytes,
    int keepDays,
    boolean allowLoopback) {

  public static WebhooksConfig from(ConfigReader webhooks) {
    return new WebhooksConfig(
        webhooks.longValue("requestTimeoutMs", 100, 60_000),
        webhooks.longValue("backoffBaseMs", 1, 3_600_000),
        webhooks.longValue("backoffMaxMs", 1, 86_400_000),
        webhooks.longValue("maxAgeMs", 1_000, 7L * 86_400_000),
        webhooks.integer("concurrency", 1, 1_024),
        webhooks.integer("perIntegrator", 1, 64),
        webhooks.longValue("pollMs", 10, 60_000),
        webhooks.integer("maxResponseBytes", 0, 1 << 20),
        webhooks.integer("keepDays", 1, 365),
        webhooks.bool("allowLoopback"));
  }

  /** How long a claimed attempt is held: past it another node may send the notice again. */
  public long leaseMs() {
    return 2 * requestTimeoutMs + 30_000;
  }
}
