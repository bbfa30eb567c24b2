package com.pmsrelay.agent.exec;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Queries waiting for a slot: one bounded FIFO per integrator, served by smooth weighted
 * round-robin (as nginx balances upstreams) so that each integrator gets its grant's share of the
 * practice's capacity and one integrator's backlog cannot starve the others; plus a bound on the
 * total. Background tasks (registered queries' scheduled runs) wait in lanes of their own, under
 * the same bounds, and are served only when no interactive task waits and the caller says there is
 * room for one ({@link #poll(java.util.function.Predicate, boolean)}). Confined to one thread.
 */
final class AdmissionQueue {
  /** Why {@link #offer} refused. */
  enum Refusal { NONE, INTEGRATOR_FULL, QUEUE_FULL }

  private static final class Lane {
    final ArrayDeque<QueryTask> tasks = new ArrayDeque<>();
    int weight = 1;
    long current;
  }

  private final int capacity;
  private final int perIntegrator;
  private final LinkedHashMap<String, Lane> lanes = new LinkedHashMap<>();
  private final LinkedHashMap<String, Lane> background = new LinkedHashMap<>();
  private int size;
  private int backgroundSize;

  AdmissionQueue(int capacity, int perIntegrator) {
    this.capacity = capacity;
    this.perIntegrator = perIntegrator;
  }

  Refusal offer(QueryTask task) {
    if (size >= capacity) {
      return Refusal.QUEUE_FULL;
    }
    Lane lane = lanesOf(task).computeIfAbsent(task.clientId(), k -> new Lane());
    if (lane.tasks.size() >= perIntegrator) {
      return Refusal.INTEGRATOR_FULL;
    }
    lane.weight = Math.max(1, task.request.weight());
    lane.tasks.addLast(task);
    size++;
    if (task.background) {
      backgroundSize++;
    }
    return Refusal.NONE;
  }

  private LinkedHashMap<String, Lane> lanesOf(QueryTask task) {
    return task.background ? background : lanes;
  }

  /** The next task by weighted turns; null if none waits. */
  QueryTask poll() {
    return poll(client -> true);
  }

  /** The next task by weighted turns among integrators that {@code eligible} allows now. */
  QueryTask poll(java.util.function.Predicate<String> eligible) {
    return poll(eligible, true);
  }

  /**
   * The next interactive task by weighted turns among integrators that {@code eligible} allows
   * now; if none waits and {@code backgroundAllowed}, the next background task the same way.
   */
  QueryTask poll(java.util.function.Predicate<String> eligible, boolean backgroundAllowed) {
    QueryTask task = poll(lanes, eligible);
    if (task == null && backgroundAllowed) {
      task = poll(background, eligible);
      if (task != null) {
        backgroundSize--;
      }
    }
    return task;
  }

  private QueryTask poll(LinkedHashMap<String, Lane> lanes, java.util.function.Predicate<String> eligible) {
    Lane best = null;
    long total = 0;
    for (var entry : lanes.entrySet()) {
      Lane lane = entry.getValue();
      if (lane.tasks.isEmpty() || !eligible.test(entry.getKey())) {
        continue;
      }
      lane.current += lane.weight;
      total += lane.weight;
      if (best == null || lane.current > best.current) {
        best = lane;
      }
    }
    if (best == null) {
      return null;
    }
    best.current -= total;
    QueryTask task = best.tasks.pollFirst();
    size--;
    dropEmptyLanes(lanes);
    return task;
  }

  boolean remove(QueryTask task) {
    LinkedHashMap<String, Lane> all = lanesOf(task);
    Lane lane = all.get(task.clientId());
    if (lane == null || !lane.tasks.remove(task)) {
      return false;
    }
    size--;
    if (task.background) {
      backgroundSize--;
    }
    dropEmptyLanes(all);
    return true;
  }

  /** Removes and returns every waiting task of one integrator (it was disabled or blocked). */
  java.util.List<QueryTask> removeAll(String clientId) {
    java.util.List<QueryTask> removed = new java.util.ArrayList<>();
    Lane lane = lanes.remove(clientId);
    if (lane != null) {
      removed.addAll(lane.tasks);
    }
    Lane later = background.remove(clientId);
    if (later != null) {
      removed.addAll(later.tasks);
      backgroundSize -= later.tasks.size();
    }
    size -= removed.size();
    return java.util.List.copyOf(removed);
  }

  private static void dropEmptyLanes(LinkedHashMap<String, Lane> lanes) {
    for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
      if (it.next().tasks.isEmpty()) {
        it.remove();
      }
    }
  }

  int size() {
    return size;
  }

  /** Interactive tasks waiting (not background ones). */
  int interactiveSize() {
    return size - backgroundSize;
  }
}
