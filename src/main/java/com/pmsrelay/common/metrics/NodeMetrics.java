package com.pmsrelay.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's metrics registry (not Micrometer's global one: several nodes in one JVM, as the tests
 * and the clustered demo run them, each count their own), scraped in Prometheus's text format.
 * Vert.x reports its servers, clients, pools and the JVM into it when started through
 * {@link com.pmsrelay.common.VertxRuntime#create(VertxOptions, NodeMetrics)}.
 */
public final class NodeMetrics {
  /**
   * The labels Vert.x may use. A server's own address (API, bridge, management listener), never a
   * peer's: clients come from anywhere, and it would grow the registry without bound. Routes
   * (templates such as /v1/practices/:practiceId/queries) are bounded.
   */
  static final Set<Label> VERTX_LABELS = EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
      Label.POOL_TYPE, Label.POOL_NAME);

  private static final AtomicInteger NODES = new AtomicInteger();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /**
   * The name Vert.x files this registry under. Vert.x keeps one registry per name for the whole JVM
   * (BackendRegistries): under the shared default name, a second node's Vert.x would report into the
   * first node's registry.
   */
  private final String name = "pms-relay-node-" + NODES.incrementAndGet();

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter, in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * What Vert.x reports here: its HTTP servers (API, console, management), worker pools and the
   * JVM (memory, GC, threads, class loading).
   */
  public MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setRegistryName(name).setJvmMetricsEnabled(true)
        .setLabels(VERTX_LABELS)
        // One meter per deployed verticle class says nothing an operator acts on. Clients' and the
        // event bus's meters are told apart only by an address, never a label here, and the TCP
        // server's gauges not at all between the bridge's instances on one port: they would collide
        // (a warning at each start). The relay's own meters say what they would (agents, frames).
        .setDisabledMetricsCategories(Set.of(MetricsDomain.VERTICLES.toCategory(), MetricsDomain.EVENT_BUS.toCategory(),
            MetricsDomain.NET_CLIENT.toCategory(), MetricsDomain.HTTP_CLIENT.toCategory(),
            MetricsDomain.NET_SERVER.toCategory(), "sql"));
  }

  /** What a node's Vert.x is built with ({@code withMetrics}) so it reports into this registry. */
  public MicrometerMetricsFactory vertxFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  public void close() {
    registry.close();
  }
}
