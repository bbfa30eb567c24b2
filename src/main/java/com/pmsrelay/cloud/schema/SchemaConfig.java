package com.pmsrelay.cloud.schema;

import com.pmsrelay.common.config.ConfigReader;

/**
 * Schema discovery's settings ({@code schema} in conf/cloud.json): how long the agent may take to
 * read its catalogue (capped again by the grant's limits and by the agent's own), the most bytes
 * of columns one schema may have, and the node's cache of schemas (by encoded size, and for how
 * long one is kept however often it is read).
 */
public record SchemaConfig(int timeoutMs, int queueTimeoutMs, long maxBytes, long cacheMaxBytes, long cacheTtlMs) {

  public static SchemaConfig from(ConfigReader schema) {
    return new SchemaConfig(
        schema.integer("timeoutMs", 100, 3_600_000),
        schema.integer("queueTimeoutMs", 0, 3_600_000),
        schema.longValue("maxBytes", 1024, 1L << 30),
        schema.longValue("cacheMaxBytes", 0, 1L << 40),
        schema.longValue("cacheTtlMs", 1_000, 30L * 86_400_000));
  }
}
