package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one integrator's queries in one phase came to: answers by outcome ({@link Answer}),
 * latency of the successful ones and of every answer (from the moment each was sent), how late
 * the generator sent them, and where the successes' time went, from the relay's own timing:
 * <ul>
 *   <li>edge: before the cloud's clock starts (HTTP, bearer token check, integrator lookup), that is
 *       the client's latency minus {@code timing.totalMs} (HTTP only);
 *   <li>toQueue: from there to the agent's queue (grant lookup, rate limit, the cloud's and the
 *       agent's SQL guard, dispatch, bridge; agent-only: the agent's guard), and back;
 *   <li>queued: waiting in the agent's queue ({@code queuedMs});
 *   <li>execution: on the database and streaming ({@code executionMs}).
 * </ul>
 * The relay reports whole milliseconds. Thread-safe.
 */
final class Outcomes {
  final LatencyRecorder okLatency = new LatencyRecorder();
  /** Every answer's latency, refusals included (how fast the relay says no); not the client's time-outs. */
  final LatencyRecorder answerLatency = new LatencyRecorder();
  final LatencyRecorder sendLag = new LatencyRecorder();
  final LatencyRecorder edge = new LatencyRecorder();
  final LatencyRecorder toQueue = new LatencyRecorder();
  final LatencyRecorder agentQueued = new LatencyRecorder();
  final LatencyRecorder execution = new LatencyRecorder();
  /** The cloud's {@code timing.totalMs} of successful answers. */
  final LatencyRecorder cloudTotal = new LatencyRecorder();
  private final Map<String, Integer> byOutcome = new TreeMap<>();
  private int sent;
  /** Settled: by the relay's answer or by the client's time-out (its own outcome). */
  private int answered;

  synchronized void sent(long lagNanos) {
    sent++;
    sendLag.record(lagNanos);
  }

  void answered(Answer answer, long latencyNanos) {
    if (!answer.outcome().startsWith("client_")) { // the client gave up or failed: no answer
      answerLatency.record(latencyNanos);
    }
    if (answer.ok()) {
      okLatency.record(latencyNanos);
      attribute(answer, latencyNanos);
    }
    synchronized (this) {
      answered++;
      byOutcome.merge(answer.outcome(), 1, Integer::sum);
    }
  }

  private void attribute(Answer answer, long latencyNanos) {
    if (answer.queuedMs() < 0 || answer.executionMs() < 0) {
      return;
    }
    long agentNanos = (answer.queuedMs() + answer.executionMs()) * 1_000_000;
    agentQueued.record(answer.queuedMs() * 1_000_000);
    execution.record(answer.executionMs() * 1_000_000);
    if (answer.totalMs() >= 0) {
      long totalNanos = answer.totalMs() * 1_000_000;
      cloudTotal.record(totalNanos);
      edge.record(Math.max(0, latencyNanos - totalNanos));
      toQueue.record(Math.max(0, totalNanos - agentNanos));
    } else {
      toQueue.record(Math.max(0, latencyNanos - agentNanos));
    }
  }

  /** p50 and p99 of each part of the successes' latency, in ms (see the class comment). */
  JsonObject attributionJson() {
    JsonObject parts = new JsonObject();
    parts.put("edge", part(edge)).put("toQueue", part(toQueue)).put("queued", part(agentQueued))
        .put("execution", part(execution));
    return parts;
  }

  private static JsonObject part(LatencyRecorder r) {
    return r.count() == 0 ? null : new JsonObject().put("p50Ms", Spread.round(r.percentileMillis(50)))
        .put("p99Ms", Spread.round(r.percentileMillis(99)));
  }

  synchronized int sent() {
    return sent;
  }

  synchronized int answered() {
    return answered;
  }

  synchronized int count(String outcome) {
    return byOutcome.getOrDefault(outcome, 0);
  }

  synchronized Map<String, Integer> byOutcome() {
    return new TreeMap<>(byOutcome);
  }

  /** Queries sent but never answered (none, normally: the client's time-out answers them). */
  synchronized int unanswered() {
    return sent - answered;
  }

  /** Adds another phase's counts and samples into this one. */
  void addAll(Outcomes other) {
    okLatency.addAll(other.okLatency);
    answerLatency.addAll(other.answerLatency);
    sendLag.addAll(other.sendLag);
    edge.addAll(other.edge);
    toQueue.addAll(other.toQueue);
    agentQueued.addAll(other.agentQueued);
    execution.addAll(other.execution);
    cloudTotal.addAll(other.cloudTotal);
    Map<String, Integer> counts = other.byOutcome();
    int otherSent = other.sent();
    int otherAnswered = other.answered();
    synchronized (this) {
      counts.forEach((k, v) -> byOutcome.merge(k, v, Integer::sum));
      sent += otherSent;
      answered += otherAnswered;
    }
  }

  synchronized JsonObject countsJson() {
    JsonObject counts = new JsonObject();
    byOutcome.forEach(counts::put);
    return new JsonObject().put("sent", sent).put("answered", answered).put("byOutcome", counts);
  }
}
