package com.pmsrelay.common;

import io.vertx.core.Future;

/**
 * A component that is not a verticle but runs timers or holds resources: deployed wrapped in a
 * {@link LifecycleVerticle}, so that undeploying it calls {@link #stop()} and cancels whatever
 * timers it set on the verticle's context.
 */
public interface Lifecycle {
  Future<Void> start();

  Future<Void> stop();
}
