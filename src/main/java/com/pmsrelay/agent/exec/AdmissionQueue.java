package com.pmsrelay.agent.exec;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Queries waiting for a slot: one FIFO per integrator, served round-robin so that one integrator's
 * backlog cannot starve the others, with one bound on the total. Confined to one thread.
 */
final class AdmissionQueue {
  private final int capacity;
  private final LinkedHashMap<String, ArrayDeque<QueryTask>> byClient = new LinkedHashMap<>();
  private int size;

  AdmissionQueue(int capacity) {
    this.capacity = capacity;
  }

  boolean offer(QueryTask task) {
    if (size >= capacity) {
      return false;
    }
    byClient.computeIfAbsent(task.clientId(), k -> new ArrayDeque<>()).addLast(task);
    size++;
    return true;
  }

  /** The next task, taking integrators in turn; null if none waits. */
  QueryTask poll() {
    Iterator<Map.Entry<String, ArrayDeque<QueryTask>>> it = byClient.entrySet().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Map.Entry<String, ArrayDeque<QueryTask>> first = it.next();
    QueryTask task = first.getValue().pollFirst();
    it.remove();
    if (!first.getValue().isEmpty()) {
      byClient.put(first.getKey(), first.getValue()); // to the back of the round
    }
    size--;
    return task;
  }

  boolean remove(QueryTask task) {
    ArrayDeque<QueryTask> queue = byClient.get(task.clientId());
    if (queue == null || !queue.remove(task)) {
      return false;
    }
    if (queue.isEmpty()) {
      byClient.remove(task.clientId());
    }
    size--;
    return true;
  }

  QueryTask find(String queryId) {
    for (ArrayDeque<QueryTask> queue : byClient.values()) {
      for (QueryTask task : queue) {
        if (task.request.queryId().equals(queryId)) {
          return task;
        }
      }
    }
    return null;
  }

  int size() {
    return size;
  }
}
