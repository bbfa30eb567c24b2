package com.pmsrelay.bench;

import io.vertx.core.Future;

/** Where one integrator's queries go: the relay's HTTP API, or straight into the agent's executor. */
interface QueryTarget {
  /** Sends query number {@code i}; called on the load generator's event loop, answered on it too. */
  Future<Answer> send(int i);
}
