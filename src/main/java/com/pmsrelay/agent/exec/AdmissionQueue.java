package com.pmsrelay.agent.exec;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Queries waiting for a slot: one bounded FIFO per integrator, served by smooth weighted
 * round-robin (as nginx balances upstreams) so that each integrator gets its grant's share of the
 * practice's capacity and one integrator's backlog cannot starve the others; plus a bound on the
 * total. Confined to one thread.
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
  private int size;

  AdmissionQueue(int capacity, int perIntegrator) {
    this.capacity = capacity;
    this.perIntegrator = perIntegrator;
  }

  Refusal offer(QueryTask task) {
    if (size >= capacity) {
      return Refusal.QUEUE_FULL;
    }
    Lane lane = lanes.computeIfAbsent(task.clientId(), k -> new Lane());
    if (lane.tasks.size() >= perIntegrator) {
      return Refusal.INTEGRATOR_FULL;
    }
    lane.weight = Math.max(1, task.request.weight());
    lane.tasks.addLast(task);
    size++;
    return Refusal.NONE;
  }

  /** The next task by weighted turns; null if none waits. */
  QueryTask poll() {
    return poll(client -> true);
  }

  /** The next task by weighted turns among integrators that {@code eligible} allows now. */
  QueryTask poll(java.util.function.Predicate<String> eligible) {
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
    dropEmptyLanes();
    return task;
  }

  boolean remove(QueryTask task) {
    Lane lane = lanes.get(task.clientId());
    if (lane == null || !lane.tasks.remove(task)) {
      return false;
    }
    size--;
    dropEmptyLanes();
    return true;
  }

  /** Removes and returns every waiting task of one integrator (it was disabled or blocked). */
  java.util.List<QueryTask> removeAll(String clientId) {
    Lane lane = lanes.remove(clientId);
    if (lane == null) {
      return java.util.List.of();
    }
    size -= lane.tasks.size();
    return java.util.List.copyOf(lane.tasks);
  }

  private void dropEmptyLanes() {
    for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
      if (it.next().tasks.isEmpty()) {
        it.remove();
      }
    }
  }

  int size() {
    return size;
  }
}
