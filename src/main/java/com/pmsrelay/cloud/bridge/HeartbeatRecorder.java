package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.PracticeStore.Heartbeat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the heartbeats of the agents connected to this cloud node to the store, in batches:
 * sessions hand each heartbeat in (no store call), and every flush interval one transaction
 * writes those whose load changed and, once per refresh age, those whose load did not. An idle
 * agent thus costs a row update every refresh age or so, in a shared transaction, not a
 * transaction per ping.
 *
 * <p>The store's last-seen trails an agent's latest heartbeat by at most the refresh age plus a
 * ping interval plus a flush interval: with the defaults 22.5 + 10 + 1 s, inside the 45 s
 * heartbeat time-out past which a connected agent shows as unreachable.
 */
public final class HeartbeatRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRecorder.class);
  private static final long FLUSH_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final PracticeStore practices;
  private final String nodeId;
  private final long flushIntervalMs;
  private final long refreshMs;
  private final LongSupplier clock;
  private final Set<Agent> agents = ConcurrentHashMap.newKeySet();
  private long timer;
  /** Whether a flush is writing (the next tick then skips). Touched only on the timer's context. */
  private boolean flushing;

  /**
   * Flushes every second and refreshes a last-seen once it is half the heartbeat time-out old: the
   * refreshes are most of an idle node's store writes (BENCHMARKS.md, idle agents).
   */
  public HeartbeatRecorder(Vertx vertx, PracticeStore practices, String nodeId, BridgeConfig bridge) {
    this(vertx, practices, nodeId, FLUSH_INTERVAL_MS, bridge.heartbeatTimeoutMs() / 2, System::currentTimeMillis);
  }

  HeartbeatRecorder(Vertx vertx, PracticeStore practices, String nodeId, long flushIntervalMs, long refreshMs,
      LongSupplier clock) {
    this.vertx = vertx;
    this.practices = practices;
    this.nodeId = nodeId;
    this.flushIntervalMs = flushIntervalMs;
    this.refreshMs = refreshMs;
    this.clock = clock;
  }

  public void start() {
    timer = vertx.setPeriodic(flushIntervalMs, id -> {
      if (!flushing) {
        flushing = true;
        flush().onComplete(done -> flushing = false);
      }
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** Starts following one authenticated agent connection of {@code practiceId}. */
  Agent track(String practiceId) {
    Agent agent = new Agent(practiceId);
    agents.add(agent);
    return agent;
  }

  /** Writes the due heartbeats in one transaction; if that fails they stay due for the next flush. */
  Future<Void> flush() {
    Map<Agent, Heartbeat> due = new HashMap<>();
    for (Agent agent : agents) {
      Heartbeat heartbeat = agent.due();
      if (heartbeat != null) {
        due.put(agent, heartbeat);
      }
    }
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    return practices.agentsSeen(nodeId, due.values())
        .onSuccess(v -> due.forEach((agent, heartbeat) -> agent.stored = heartbeat))
        .onFailure(e -> LOG.warn("cannot record the heartbeats of {} agents: {}", due.size(), e.toString()));
  }

  /**
   * One agent connection: its session reports to it on the socket's event loop, flushes read it on
   * the timer's.
   */
  final class Agent {
    private final String practiceId;
    /**
     * Whether the store has this connection on record. Until then the store would ignore its
     * heartbeats (and they would count as written), and the agent pings right after authenticating,
     * often before that record commits.
     */
    private volatile boolean onRecord;
    private volatile Heartbeat heard;
    /** The last heartbeat written; set by flushes only. */
    private volatile Heartbeat stored;

    private Agent(String practiceId) {
      this.practiceId = practiceId;
    }

    /** The store now has this connection on record (agent connected through this node). */
    void connectionRecorded() {
      onRecord = true;
    }

    /** A heartbeat, with the agent's load (queued and running), or nulls when the load is unknown. */
    void heard(Integer queued, Integer running) {
      heard = new Heartbeat(practiceId, clock.getAsLong(), queued, running);
    }

    /**
     * The connection is closed: none of its heartbeats is written any more. One a flush is writing
     * already may land after the disconnect is recorded; the store then ignores it.
     */
    void closed() {
      agents.remove(this);
    }

    /** The heartbeat to write now, if any: a changed load at once, the same load once the stored one gets old. */
    private Heartbeat due() {
      Heartbeat latest = heard;
      Heartbeat written = stored;
      if (!onRecord || latest == null || latest == written) {
        return null;
      }
      boolean sameLoad = written != null && Objects.equals(latest.queued(), written.queued())
          && Objects.equals(latest.running(), written.running());
      return !sameLoad || latest.atMs() - written.atMs() >= refreshMs ? latest : null;
    }
  }
}
