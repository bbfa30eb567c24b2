package com.pmsrelay.common;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs state changes of a component confined to one event-loop context on that context's thread.
 * {@code Vertx.currentContext() == context} alone is not enough: code that context started with
 * {@code executeBlocking} (a worker thread) sees the same context, and would change the state
 * beside its event loop.
 */
public final class Confined {
  private Confined() {}

  /** Runs {@code action} now when on {@code context}'s event loop, else as its next task. */
  public static void run(Context context, Runnable action) {
    if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Whether the caller is on {@code context}'s event loop (where confined state may be read directly). */
  public static boolean isOn(Context context) {
    return Vertx.currentContext() == context && Context.isOnEventLoopThread();
  }
}
