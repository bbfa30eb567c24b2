package com.pmsrelay.agent.exec;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One execution on the database shared by every identical query (same SQL, parameters,
 * catalogue, scopes and limits) that arrives while it is queued or running: the practice's
 * server does the work once. It is the running task's sink and sends each message on to every
 * subscriber, each at its reader's pace (a subscriber's credit). A subscriber that joins late
 * first gets the messages sent so far; it may join only while those fit its credit and
 * {@value #MAX_REPLAY_BYTES} bytes: past that, later arrivals run on their own.
 */
final class SharedExecution implements ResultSink {
  static final long MAX_REPLAY_BYTES = 1 << 20;

  private record Subscriber(String queryId, String clientId, ResultSink sink) {}

  final String key;
  private final List<Subscriber> subscribers = new ArrayList<>();
  /** Subscribers that missed a message (no credit before the deadline): they get only the end, as a time-out. */
  private final List<Subscriber> lagging = new ArrayList<>();
  private final List<Outgoing> replay = new ArrayList<>();
  private final int maxMessageBytes;
  private long replayBytes;
  private int replayedRowMessages;
  private boolean joinable = true;
  private boolean finished;
  QueryTask task;

  SharedExecution(String key, String queryId, String clientId, ResultSink first) {
    this.key = key;
    this.maxMessageBytes = first.maxMessageBytes();
    subscribers.add(new Subscriber(queryId, clientId, first));
  }

  /** What makes two queries the same execution. */
  static String key(QueryRequest q, String catalogue) {
    JsonArray scopes = new JsonArray(new ArrayList<>(new TreeSet<>(q.scopes().stream().map(String::valueOf).toList())));
    return new JsonArray().add(q.sql()).add(q.params()).add(catalogue).add(scopes).add(q.maxRows()).add(q.maxBytes())
        .encode();
  }

  /**
   * Adds a subscriber if the execution can still be shared, and replays to it what was sent so
   * far. Called on the executor's event loop, so the replay never waits: it must fit the
   * subscriber's credit.
   */
  synchronized boolean join(String queryId, String clientId, ResultSink sink) {
    if (!joinable || finished || replayedRowMessages >= sink.credit() || sink.maxMessageBytes() < maxMessageBytes) {
      return false;
    }
    for (Outgoing message : replay) {
      sink.send(message, System.nanoTime());
    }
    subscribers.add(new Subscriber(queryId, clientId, sink));
    return true;
  }

  /** Removes a subscriber; true if none is left (the execution can stop). */
  synchronized boolean leave(String queryId) {
    subscribers.removeIf(s -> s.queryId().equals(queryId));
    lagging.removeIf(s -> s.queryId().equals(queryId));
    return subscribers.isEmpty() && lagging.isEmpty();
  }

  /** Removes one integrator's subscribers; returns their sinks, to be told why. */
  synchronized List<ResultSink> leaveClient(String clientId) {
    List<ResultSink> removed = new ArrayList<>();
    subscribers.removeIf(s -> {
      if (s.clientId().equals(clientId)) {
        removed.add(s.sink());
        return true;
      }
      return false;
    });
    return removed;
  }

  synchronized List<String> queryIds() {
    return subscribers.stream().map(Subscriber::queryId).toList();
  }

  synchronized int subscribers() {
    return subscribers.size();
  }

  @Override
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Sends the message to every subscriber, waiting for each one's credit in turn (outside the
   * lock: a join on the event loop must never wait behind a slow reader).
   */
  @Override
  public boolean send(Outgoing message, long deadlineNanos) {
    List<Subscriber> targets;
    List<Subscriber> behind;
    synchronized (this) {
      if (finished) {
        return false; // a stream has one end: nothing goes after it
      }
      remember(message);
      targets = List.copyOf(subscribers);
      behind = message.last() ? List.copyOf(lagging) : List.of();
    }
    boolean anyone = false;
    for (Subscriber s : targets) {
      if (s.sink().send(message, deadlineNanos)) {
        anyone = true;
      } else {
        fellBehind(s);
      }
    }
    for (Subscriber s : behind) {
      // It missed part of the stream, so whatever the end, its answer is a time-out.
      s.sink().send(Outgoing.error(Long.MAX_VALUE, ErrorCode.QUERY_TIMEOUT,
          "the query ran past its time-out while the reader took its rows"), System.nanoTime());
    }
    return anyone;
  }

  /** A subscriber whose message could not go: gone, or out of credit at the deadline (then told at the end). */
  private synchronized void fellBehind(Subscriber s) {
    subscribers.remove(s);
    if (s.sink().isOpen()) {
      lagging.add(s);
    }
  }

  /** Notes the stream's end, or keeps the message for late joiners while the replay is small. */
  private void remember(Outgoing message) {
    if (message.last()) {
      finished = true;
      replay.clear();
      return;
    }
    if (!joinable) {
      return;
    }
    replayBytes += message.body().length();
    if (message.withRows()) {
      replayedRowMessages++;
    }
    if (replayBytes > MAX_REPLAY_BYTES) {
      joinable = false;
      replay.clear();
    } else {
      replay.add(message);
    }
  }
}
