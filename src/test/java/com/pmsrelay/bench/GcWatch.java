package com.pmsrelay.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.vertx.core.json.JsonObject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's garbage collections while it watches: how many, their total and longest duration (for
 * G1's young and mixed collections, the stop-the-world pause). Everything in a benchmark's JVM
 * (cloud, agent, load generator) stops during a pause, so a pause lands in every latency.
 */
final class GcWatch implements AutoCloseable {
  private final List<Long> durationsMs = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      if (!info.getGcAction().contains("concurrent") && !info.getGcName().contains("Cycles")) {
        record(info.getGcInfo().getDuration());
      }
    }
  };

  GcWatch() {
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private synchronized void record(long ms) {
    durationsMs.add(ms);
  }

  /** count, totalMs and maxMs of the collections seen so far. */
  synchronized JsonObject json() {
    long total = 0;
    long max = 0;
    for (long d : durationsMs) {
      total += d;
      max = Math.max(max, d);
    }
    return new JsonObject().put("count", durationsMs.size()).put("totalMs", total).put("maxMs", max);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
