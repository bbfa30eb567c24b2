package com.pmsrelay.cloud.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The node's own metrics registry (not Micrometer's global one: several nodes in one JVM, as the
 * tests and the clustered demo run them, each count their own), scraped in Prometheus's text format.
 */
public final class NodeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter, in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  public void close() {
    registry.close();
  }
}
