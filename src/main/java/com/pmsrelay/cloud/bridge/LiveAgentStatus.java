package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.Practice;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * An agent's status as the cluster sees it now, asked of the node holding its socket: {@code online}
 * while a live node holds it and the agent itself was heard within the heartbeat time-out and
 * acknowledges queries, {@code unreachable} while held but silent or not acknowledging, else
 * {@code offline} (no live node answers for it, whatever the store last recorded). {@code lastSeen}
 * is when the agent itself was last heard, never a node's vouching for it; the store, which is
 * written only when something changes, is the fallback for agents no node holds.
 */
public final class LiveAgentStatus {
  /** How long a node may take to answer for a socket it holds; a node that cannot is no live node. */
  static final long ASK_TIMEOUT_MS = 1_000;

  private final Vertx vertx;
  private final Duration heartbeatTimeout;
  private final DeliveryOptions ask = new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS);

  public LiveAgentStatus(Vertx vertx, Duration heartbeatTimeout) {
    this.vertx = vertx;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public Future<JsonObject> json(Practice p) {
    if (!p.agentConnected()) {
      return Future.succeededFuture(offline(p));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.practice(p.practiceId()), QueryRequest.status(), ask)
        .map(reply -> held(p, reply.body()))
        .otherwise(noLiveNode -> offline(p));
  }

  private JsonObject held(Practice p, JsonObject live) {
    long heardMs = live.getLong("lastHeardMs", 0L);
    boolean silent = System.currentTimeMillis() - heardMs > heartbeatTimeout.toMillis();
    boolean unresponsive = live.getBoolean("unresponsive", false);
    return new JsonObject()
        .put("status", unresponsive || silent ? "unreachable" : "online")
        .put("lastSeen", Instant.ofEpochMilli(heardMs).toString())
        .put("version", p.agentVersion())
        .put("queueDepth", live.getValue("queued") != null ? live.getValue("queued") : p.agentQueued())
        .put("running", live.getValue("running") != null ? live.getValue("running") : p.agentRunning());
  }

  private static JsonObject offline(Practice p) {
    return new JsonObject()
        .put("status", "offline")
        .put("lastSeen", p.agentLastSeen() == null ? null : p.agentLastSeen().toInstant().toString())
        .put("version", p.agentVersion())
        .put("queueDepth", null)
        .put("running", null);
  }
}
