package com.pmsrelay.cloud;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One edge verticle deployed as several instances from a supplier (as the Vert.x examples do), so
 * that its connections spread over as many event loops. The node keeps every instance: to reach
 * them all (a drain) or any one (the port they share). One deployment: undeploying it stops all.
 */
final class Instances<V extends Deployable> {
  /** Counts the shared random ports handed out in this JVM (see {@link #sharedPort}). */
  private static final AtomicInteger RANDOM_PORTS = new AtomicInteger();

  final String deploymentId;
  final List<V> all;

  private Instances(String deploymentId, List<V> all) {
    this.deploymentId = deploymentId;
    this.all = all;
  }

  static <V extends Deployable> Future<Instances<V>> deploy(Vertx vertx, int count, Supplier<V> make) {
    List<V> made = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      V instance = make.get();
      made.add(instance);
      return instance;
    }, new DeploymentOptions().setInstances(count)).map(id -> new Instances<>(id, List.copyOf(made)));
  }

  V first() {
    return all.get(0);
  }

  /**
   * The port the instances listen on so that they share one server. Vert.x shares a configured
   * port among all servers of this Vert.x that listen on it, but gives each server asked for port 0
   * a port of its own (then each instance would have its own port). A negative port means a random
   * port shared by every server asked for that same negative number: each port 0 gets its own.
   */
  static int sharedPort(int configured) {
    return configured != 0 ? configured : -RANDOM_PORTS.incrementAndGet();
  }
}
