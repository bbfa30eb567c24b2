package com.pmsrelay.common;

import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every mode (cloud, agent, demo) and the benchmarks start Vert.x: with Netty's native
 * transport where the jar carries one for the machine (epoll on Linux x86-64), else NIO. Epoll
 * wakes an event loop with an eventfd and reads and writes without NIO's selector bookkeeping,
 * which the relay pays four times per query (BENCHMARKS.md, hop cost). And the one way they stop it.
 */
public final class VertxRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(VertxRuntime.class);

  private VertxRuntime() {}

  public static Vertx create() {
    return create(new VertxOptions());
  }

  public static Vertx create(VertxOptions options) {
    return Vertx.vertx(options.setPreferNativeTransport(true));
  }

  /** As {@link #create(VertxOptions)}, with Vert.x and the JVM reporting into {@code metrics}. */
  public static Vertx create(VertxOptions options, NodeMetrics metrics) {
    return Vertx.builder().with(withMetrics(options, metrics)).withMetrics(metrics.vertxFactory()).build();
  }

  /** The options every mode starts Vert.x with when it keeps metrics (the clustered cloud too). */
  public static VertxOptions withMetrics(VertxOptions options, NodeMetrics metrics) {
    return options.setPreferNativeTransport(true).setMetricsOptions(metrics.vertxOptions());
  }

  public static void closeOnShutdown(Vertx vertx) {
    closeOnShutdown(vertx, Future::succeededFuture, 0);
  }

  /**
   * On SIGTERM (or any normal exit), runs {@code stopGracefully} (given about {@code graceMs}),
   * then closes Vert.x.
   */
  public static void closeOnShutdown(Vertx vertx, Supplier<Future<Void>> stopGracefully, long graceMs) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stopGracefully.get().toCompletionStage().toCompletableFuture().get(graceMs + 10_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("graceful stop incomplete: {}", e.toString());
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "pms-relay-shutdown"));
  }
}
