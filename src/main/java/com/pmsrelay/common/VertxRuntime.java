package com.pmsrelay.common;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The one way every mode (cloud, agent, demo) and the benchmarks start Vert.x: with Netty's native
 * transport where the jar carries one for the machine (epoll on Linux x86-64), else NIO. Epoll
 * wakes an event loop with an eventfd and reads and writes without NIO's selector bookkeeping,
 * which the relay pays four times per query (BENCHMARKS.md, hop cost).
 */
public final class VertxRuntime {
  private VertxRuntime() {}

  public static Vertx create() {
    return create(new VertxOptions());
  }

  public static Vertx create(VertxOptions options) {
    return Vertx.vertx(options.setPreferNativeTransport(true));
  }
}
