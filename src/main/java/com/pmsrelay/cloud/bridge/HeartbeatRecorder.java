package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.PracticeStore.Heartbeat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this cloud node's liveness and its agents' heartbeats to the store: sessions hand each
 * heartbeat in (no store call), and every flush interval one transaction records the node alive
 * and writes the agents whose load changed since their last write. An idle agent costs no write,
 * and no work at a flush either: an agent queues itself for the next flush only when its load
 * changes (the flush never walks all of the node's agents), and a ping with an unchanged load
 * allocates nothing. The node's alive time vouches for every socket it holds open, and the bridge
 * closes a socket the agent was silent on for the heartbeat time-out (recording the disconnect).
 *
 * <p>A connected agent's last-seen in the store (see {@code PracticeStore}) thus trails now by
 * about a flush interval while the node runs; once a node dies, its agents' last-seen stops and
 * they show as unreachable after the heartbeat time-out.
 */
public final class HeartbeatRecorder implements com.pmsrelay.common.Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRecorder.class);
  private static final long FLUSH_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final PracticeStore practices;
  private final String nodeId;
  private final long flushIntervalMs;
  private final LongSupplier clock;
  /** The agents with a heartbeat to write, each at most once; the next flush takes them. */
  private final Queue<Agent> due = new ConcurrentLinkedQueue<>();
  private long timer;
  /** Whether a flush is writing (the next tick then skips). Touched only on the timer's context. */
  private boolean flushing;

  /** Flushes every second: a connected agent's last-seen is at most that old while the node runs. */
  public HeartbeatRecorder(Vertx vertx, PracticeStore practices, String nodeId) {
    this(vertx, practices, nodeId, FLUSH_INTERVAL_MS, System::currentTimeMillis);
  }

  HeartbeatRecorder(Vertx vertx, PracticeStore practices, String nodeId, long flushIntervalMs, LongSupplier clock) {
    this.vertx = vertx;
    this.practices = practices;
    this.nodeId = nodeId;
    this.flushIntervalMs = flushIntervalMs;
    this.clock = clock;
  }

  /** Deploy it in a {@link com.pmsrelay.common.LifecycleVerticle}: undeploying it stops the flushes. */
  @Override
  public Future<Void> start() {
    timer = vertx.setPeriodic(flushIntervalMs, id -> {
      if (!flushing) {
        flushing = true;
        flush().onComplete(done -> flushing = false);
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Starts following one authenticated agent connection of {@code practiceId}. */
  Agent track(String practiceId) {
    return new Agent(practiceId);
  }

  /**
   * Records the node alive and writes the due heartbeats, in one transaction; if that fails they
   * stay due for the next flush.
   */
  Future<Void> flush() {
    Map<Agent, Heartbeat> writing = new HashMap<>();
    for (Agent agent = due.poll(); agent != null; agent = due.poll()) {
      Heartbeat heartbeat = agent.take();
      if (heartbeat != null) {
        writing.put(agent, heartbeat);
      }
    }
    return practices.nodeAlive(nodeId, clock.getAsLong(), writing.values())
        .onSuccess(v -> writing.forEach(Agent::written))
        .onFailure(e -> {
          LOG.warn("cannot record this node alive nor the heartbeats of {} agents: {}", writing.size(), e.toString());
          writing.keySet().forEach(Agent::markDue);
        });
  }

  /** An agent's reported load: queries waiting and running, or nulls when it did not say. */
  private record Load(Integer queued, Integer running) {}

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
    private volatile boolean closed;
    /** The load last heard (a new object only when it changes), and when the agent was last heard. */
    private volatile Load heard;
    private volatile long heardAtMs;
    /** The load last written; set by flushes only. */
    private volatile Load written;
    /** Whether this agent is in the queue of the next flush. */
    private final AtomicBoolean inQueue = new AtomicBoolean();

    private Agent(String practiceId) {
      this.practiceId = practiceId;
    }

    /** The store now has this connection on record (agent connected through this node). */
    void connectionRecorded() {
      onRecord = true;
      markDue();
    }

    /** A heartbeat, with the agent's load (queued and running), or nulls when the load is unknown. */
    void heard(Integer queued, Integer running) {
      heardAtMs = clock.getAsLong();
      Load last = heard;
      if (last == null || !Objects.equals(last.queued(), queued) || !Objects.equals(last.running(), running)) {
        heard = new Load(queued, running);
        markDue();
      }
    }

    /**
     * The connection is closed: none of its heartbeats is written any more. One a flush is writing
     * already may land after the disconnect is recorded; the store then ignores it.
     */
    void closed() {
      closed = true;
    }

    /** Queues this agent for the next flush once it is on record and has been heard. */
    private void markDue() {
      if (onRecord && heard != null && !closed && inQueue.compareAndSet(false, true)) {
        due.add(this);
      }
    }

    /**
     * Taken from the queue by a flush: the heartbeat to write now, if any (the first one on record,
     * then only a changed load). A load heard after this queues the agent again.
     */
    private Heartbeat take() {
      inQueue.set(false);
      Load latest = heard;
      if (closed || latest.equals(written)) {
        return null;
      }
      return new Heartbeat(practiceId, heardAtMs, latest.queued(), latest.running());
    }

    private void written(Heartbeat heartbeat) {
      written = new Load(heartbeat.queued(), heartbeat.running());
    }
  }
}
