package com.pmsrelay.agent.exec;

import com.pmsrelay.common.protocol.QueryRequest;
import java.sql.Statement;

/** One query at the agent, from admission to its last message. */
final class QueryTask {
  /** Why a query was stopped early. */
  enum Stop { TIMEOUT, CANCELLED }

  /** What a task does on the database once admitted: its SQL, or a read of the catalogue. */
  @FunctionalInterface
  interface Work {
    JdbcRunner.Outcome run(QueryTask task, String catalogue);
  }

  final QueryRequest request;
  final ResultSink sink;
  final Work work;
  /** A registered query's scheduled run: served after interactive queries, never into the reserved slots. */
  final boolean background;
  final long admittedNanos = System.nanoTime();
  /** Wall-clock deadline of execution, set when it starts running. */
  volatile long deadlineNanos;
  volatile Statement statement;
  /** Why it was stopped early, if it was. */
  volatile Stop stopReason;
  long queueTimer = -1;
  long deadlineTimer = -1;
  /** The next message's sequence number; touched by the one worker running the query. */
  long seq;
  String catalogue;
  /** Set when the circuit breaker let it through to a worker. */
  volatile boolean started;
  /** How long the database took to start answering: the limiter's latency sample. */
  volatile long latencyNanos = -1;

  QueryTask(QueryRequest request, ResultSink sink, Work work) {
    this(request, sink, work, false);
  }

  QueryTask(QueryRequest request, ResultSink sink, Work work, boolean background) {
    this.request = request;
    this.sink = sink;
    this.work = work;
    this.background = background;
  }

  String clientId() {
    return request.clientId();
  }

  boolean send(Outgoing message, long deadlineNanos) {
    return sink.send(message, deadlineNanos);
  }

  /** Stops the statement on the database, if one is running; safe from any thread. */
  void stop(Stop reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    Statement running = statement;
    if (running != null) {
      try {
        running.cancel();
      } catch (Exception ignored) {
        // The statement already finished or its connection is gone: nothing left to stop.
      }
    }
  }
}
