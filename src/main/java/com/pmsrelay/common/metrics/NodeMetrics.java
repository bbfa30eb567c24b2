package com.pmsrelay.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A node's metrics registry (not Micrometer's global one: several nodes in one JVM, as the tests
 * and the clustered demo run them, each count their own), scraped in Prometheus's text format.
 * Vert.x reports its servers, clients, pools and the JVM into it when started through
 * {@link com.pmsrelay.common.VertxRuntime#create(VertxOptions, NodeMetrics)}.
 */
public final class NodeMetrics {
  /**
   * The labels Vert.x may use. Never the event-bus address or a peer's address: results travel on
   * an address per query and clients come from anywhere, and either would grow the registry
   * without bound. Routes (templates such as /v1/practices/:practiceId/queries) are bounded.
   */
  static final Set<Label> VERTX_LABELS = EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
      Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter, in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * What Vert.x reports here: HTTP and TCP servers and clients, worker pools, the event bus (its
   * handlers and failures, never its addresses) and the JVM (memory, GC, threads, class loading).
   */
  public static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true).setLabels(VERTX_LABELS)
        // One meter per deployed verticle class says nothing an operator acts on.
        .setDisabledMetricsCategories(Set.of(MetricsDomain.VERTICLES.toCategory()));
  }

  public void close() {
    registry.close();
  }
}
