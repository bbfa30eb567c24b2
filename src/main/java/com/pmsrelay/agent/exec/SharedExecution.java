package com.pmsrelay.agent.exec;

import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution on the database shared by every identical query (same SQL, parameters,
 * catalogue, scopes and row cap) that arrives while it is queued or running: the practice's
 * server does the work once. It is the running task's sink and fans each message out to every
 * subscriber; a subscriber that joins late first gets the messages sent so far, which are kept
 * only up to {@value #MAX_REPLAY_BYTES} bytes: past that, later arrivals run on their own.
 */
final class SharedExecution implements ResultSink {
  static final long MAX_REPLAY_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(SharedExecution.class);

  private record Subscriber(String queryId, String clientId, ResultSink sink) {}

  final String key;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final List<JsonObject> replay = new ArrayList<>();
  private long replayBytes;
  private boolean joinable = true;
  private boolean finished;
  QueryTask task;

  SharedExecution(String key, String queryId, String clientId, ResultSink first) {
    this.key = key;
    subscribers.add(new Subscriber(queryId, clientId, first));
  }

  /** What makes two queries the same execution. */
  static String key(com.pmsrelay.common.protocol.QueryRequest q, String catalogue) {
    JsonArray scopes = new JsonArray(new ArrayList<>(new TreeSet<>(q.scopes().stream().map(String::valueOf).toList())));
    return new JsonArray().add(q.sql()).add(q.params()).add(catalogue).add(scopes).add(q.maxRows()).encode();
  }

  /** Adds a subscriber if the execution can still be shared; replays what was already sent. */
  synchronized boolean join(String queryId, String clientId, ResultSink sink) {
    if (!joinable || finished) {
      return false;
    }
    if (!replay.isEmpty()) {
      sink.send(List.copyOf(replay), System.nanoTime() + 1_000_000_000L);
    }
    subscribers.add(new Subscriber(queryId, clientId, sink));
    return true;
  }

  /** Removes a subscriber; true if none is left (the execution can stop). */
  synchronized boolean leave(String queryId) {
    subscribers.removeIf(s -> s.queryId().equals(queryId));
    return subscribers.isEmpty();
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

  synchronized int subscribers() {
    return subscribers.size();
  }

  @Override
  public boolean send(List<JsonObject> messages, long deadlineNanos) {
    List<Subscriber> targets;
    synchronized (this) {
      if (finished) {
        // A stream has one end: a second (an error after the end, say) would reach the cloud after
        // it closed the stream, and the cloud treats a send to a closed stream as a violation.
        LOG.warn("a {} message after the end of a query's stream was dropped",
            messages.get(0).getString(StreamMessages.KIND, "?"));
        return false;
      }
      for (JsonObject message : messages) {
        remember(message);
      }
      targets = List.copyOf(subscribers);
    }
    boolean anyone = false;
    for (Subscriber s : targets) {
      if (s.sink().send(messages, deadlineNanos)) {
        anyone = true;
      } else {
        leave(s.queryId());
      }
    }
    return anyone;
  }

  /** Notes the stream's end, or keeps the message for late joiners while the replay is small. */
  private void remember(JsonObject message) {
    String kind = message.getString(StreamMessages.KIND, "");
    if (StreamMessages.END.equals(kind) || StreamMessages.ERROR.equals(kind)) {
      finished = true;
    } else if (joinable) {
      replayBytes += message.getLong("bytes", 256L);
      if (replayBytes > MAX_REPLAY_BYTES) {
        joinable = false;
        replay.clear();
      } else {
        replay.add(message);
      }
    }
  }
}
