package com.pmsrelay.common;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Deploys a {@link Lifecycle} component as a verticle (as Eclipse Hono does): it starts on the
 * verticle's context, so the timers it sets there belong to this deployment, and undeploying it
 * stops the component and, should it leave one running, Vert.x cancels that timer with the context.
 */
public final class LifecycleVerticle extends VerticleBase {
  private final Lifecycle component;

  public LifecycleVerticle(Lifecycle component) {
    this.component = component;
  }

  @Override
  public Future<?> start() {
    return component.start();
  }

  @Override
  public Future<?> stop() {
    return component.stop();
  }
}
