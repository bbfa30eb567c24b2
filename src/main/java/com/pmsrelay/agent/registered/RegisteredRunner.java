package com.pmsrelay.agent.registered;

import com.pmsrelay.agent.exec.Outgoing;
import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.exec.ResultSink;
import com.pmsrelay.common.Confined;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.Registration;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the practice's registered queries on their schedules: each every {@code everySeconds}, at
 * its fixed phase within the period ({@link Registration#nextRunAfter}), through the executor as a
 * background run (the same guard, admission, caps and time-out as any query, after interactive
 * ones). A run's result is hashed; if the hash differs from the last the cloud stored, its rows are
 * kept (one result per registration) until the cloud fetches them ({@link #fetch}), and the cloud
 * is told either way with a small note. Runs are skipped while the link to the cloud is down: their
 * answer could go nowhere. The set comes from the cloud ({@link #replaceAll}) and is kept on disk
 * ({@link RegistrationFile}) so a restarted agent has it, with the same phases, before the cloud
 * sends it again. Confined to one context (the link's, which the executor shares).
 */
public final class RegisteredRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RegisteredRunner.class);
  /** How many start times of each registration are kept (tests read the rhythm from them). */
  private static final int KEPT_STARTS = 64;
  /** How long a fetched result may take to go out, message by message. */
  private static final long FETCH_DEADLINE_MS = 60_000;

  /** What the runner needs of the link to the cloud. */
  public interface Link {
    boolean isReady();

    /** Sends a run note to the cloud (on the link's context). */
    void sendNote(JsonObject note);

    /** The largest result message the cloud takes. */
    int maxMessageBytes();
  }

  /** The agent's settings for registered queries. */
  public record Settings(Path dir, int reservedSlots, long maxResultBytes, long maxHeldBytes) {}

  private static final class Scheduled {
    Registration registration;
    long timer = -1;
    HashingSink running;
    long runs;
    final ArrayDeque<Long> starts = new ArrayDeque<>();

    Scheduled(Registration registration) {
      this.registration = registration;
    }
  }

  /**
   * One execution of a query at the database, for every registration with its {@link
   * Registration#runKey} whose turn comes while it starts: they share its result.
   */
  private static final class SharedRun {
    final String queryId = UUID.randomUUID().toString();
    final HashingSink sink;
    final long startedAtMs;
    final List<Scheduled> members = new ArrayList<>();

    SharedRun(HashingSink sink, long startedAtMs) {
      this.sink = sink;
      this.startedAtMs = startedAtMs;
    }
  }

  /**
   * How long after a shared run starts another registration of the same query may still join it
   * (or take its answer): a second at most, and a tenth of the period, so a turn never takes the
   * answer of the one before.
   */
  private static long joinWindowMs(Registration r) {
    return Math.min(1_000, r.everySeconds() * 100L);
  }

  /** A changed result not yet stored by the cloud. */
  private record Pending(String hash, List<Outgoing> messages, long rowCount, long bytes) {}

  private final Vertx vertx;
  private final Context context;
  private final QueryExecutor executor;
  private final Settings settings;
  private final RegistrationFile file;
  private final Link link;
  private final Map<String, Scheduled> scheduled = new LinkedHashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  /** Runs under way, by run key. */
  private final Map<String, SharedRun> underway = new HashMap<>();
  /** Runs that ended within their join window, by run key: a late member of the turn takes their answer. */
  private final Map<String, Ended> ended = new HashMap<>();

  private record Ended(String queryId, long startedAtMs, HashingSink.Result result) {}
  /**
   * Bytes of the changed results in {@link #pending}: never above {@code maxHeldBytes}. A result
   * shared by several registrations (one run) is held, and counted, once.
   */
  private long heldBytes;
  private final Map<List<Outgoing>, Integer> holders = new java.util.IdentityHashMap<>();
  private final AtomicLong runs = new AtomicLong();
  /** Rows the runs read from the database (every run's result, changed or not). */
  private final AtomicLong rowsRead = new AtomicLong();
  /** Rows of changed results the cloud fetched: the only rows registered queries send it. */
  private final AtomicLong rowsSent = new AtomicLong();
  private boolean stopped;
  /** What the file holds (or will, once the last write is done): an unchanged set is not written again. */
  private List<Registration> persisted = List.of();

  public RegisteredRunner(Vertx vertx, QueryExecutor executor, Settings settings, String agentKey, Link link) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.executor = executor;
    this.settings = settings;
    this.file = new RegistrationFile(settings.dir(), agentKey);
    this.link = link;
  }

  /** Reads the registrations kept on disk and schedules them (the cloud's set replaces them once connected). */
  public Future<Void> start() {
    return vertx.executeBlocking(file::read).recover(e -> {
      LOG.warn("registered queries kept at {} are ignored until the cloud sends them again: {}", file.path(), e.getMessage());
      return Future.succeededFuture(List.of());
    }).map(kept -> {
      onContext(() -> {
        if (scheduled.isEmpty() && !kept.isEmpty()) {
          persisted = List.copyOf(kept);
          kept.forEach(this::add);
          LOG.info("{} registered queries resumed from {}", kept.size(), file.path());
        }
      });
      return null;
    });
  }

  public void stop() {
    onContext(() -> {
      stopped = true;
      scheduled.values().forEach(s -> vertx.cancelTimer(s.timer));
    });
  }

  /** The cloud's full set: what is not in it stops at once, what is new starts at its phase. */
  public void replaceAll(List<Registration> registrations) {
    onContext(() -> {
      long now = System.currentTimeMillis();
      Map<String, Registration> incoming = new LinkedHashMap<>();
      for (Registration r : registrations) {
        if (r.expiresAtMs() > now) {
          incoming.put(r.registrationId(), r.withSettledCaps(settings.maxResultBytes()));
        }
      }
      for (Scheduled s : new ArrayList<>(scheduled.values())) {
        if (!incoming.containsKey(s.registration.registrationId())) {
          drop(s);
        }
      }
      for (Registration r : incoming.values()) {
        Scheduled s = scheduled.get(r.registrationId());
        if (s == null) {
          add(r);
        } else {
          boolean rescheduled = s.registration.everySeconds() != r.everySeconds();
          s.registration = r;
          if (rescheduled) {
            vertx.cancelTimer(s.timer);
            schedule(s);
          }
        }
      }
      persist();
    });
  }

  /** The cloud stored the result of {@code hash}: it is the one to compare the next runs with. */
  public void stored(String registrationId, String hash) {
    onContext(() -> {
      Scheduled s = scheduled.get(registrationId);
      if (s != null && hash != null) {
        s.registration = s.registration.withLastHash(hash);
        Pending p = pending.get(registrationId);
        if (p != null && p.hash().equals(hash)) {
          release(registrationId);
        }
        persist();
      }
    });
  }

  /** Sends the kept changed result of {@code hash} to {@code sink}; an error if it is no longer held. */
  public void fetch(String registrationId, String hash, ResultSink sink) {
    onContext(() -> {
      Pending p = pending.get(registrationId);
      if (p == null || !p.hash().equals(hash)) {
        sink.send(new Outgoing(ResultMessage.error(0, ErrorCode.QUERY_INTERRUPTED,
            "the agent no longer holds that result; the registration's next run finds the change again"), false, true),
            System.nanoTime());
        return;
      }
      // Sending waits for the cloud's credit: on a worker, never on the event loop.
      vertx.executeBlocking(() -> {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FETCH_DEADLINE_MS);
        for (Outgoing message : p.messages()) {
          if (!sink.send(message, deadline)) {
            return null;
          }
        }
        rowsSent.addAndGet(p.rowCount());
        return null;
      }, false);
    });
  }

  /** The link was lost: runs underway can deliver nothing, so they stop (the executor cancels them too). */
  public void linkLost() {
    onContext(() -> scheduled.values().forEach(s -> {
      if (s.running != null) {
        s.running.close(ErrorCode.AGENT_OFFLINE, "the connection to the cloud was lost");
      }
    }));
  }

  private void add(Registration r) {
    Scheduled s = new Scheduled(r);
    scheduled.put(r.registrationId(), s);
    schedule(s);
  }

  private void drop(Scheduled s) {
    vertx.cancelTimer(s.timer);
    scheduled.remove(s.registration.registrationId());
    release(s.registration.registrationId());
    SharedRun run = underway.get(s.registration.runKey());
    if (run != null && run.members.remove(s) && !run.members.isEmpty()) {
      s.running = null; // the others still want the answer
    }
    if (s.running != null) {
      s.running.close(ErrorCode.QUERY_NOT_FOUND, "the registration was removed");
    }
  }

  private void schedule(Scheduled s) {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    long next = s.registration.nextRunAfter(now);
    s.timer = vertx.setTimer(Math.max(1, next - now), id -> run(s));
  }

  private void run(Scheduled s) {
    s.timer = -1;
    if (scheduled.get(s.registration.registrationId()) != s) {
      return;
    }
    Registration r = s.registration;
    long now = System.currentTimeMillis();
    if (now >= r.expiresAtMs()) {
      LOG.info("registered query {} expired: stopped", r.registrationId());
      drop(s);
      persist();
      return;
    }
    schedule(s);
    if (!link.isReady() || s.running != null) {
      return; // nowhere to send the answer, or the last run is not over: this turn is skipped
    }
    s.runs++;
    s.starts.addLast(now);
    if (s.starts.size() > KEPT_STARTS) {
      s.starts.removeFirst();
    }
    String key = r.runKey();
    Ended answered = ended.get(key);
    long window = joinWindowMs(r);
    if (answered != null && now - answered.startedAtMs() <= window) {
      finished(s, answered.queryId(), now, answered.result()); // the turn's answer came before this member's timer
      return;
    }
    SharedRun shared = underway.get(key);
    if (shared != null && now - shared.startedAtMs <= window) {
      shared.members.add(s); // the same question at the same time: one answer for both
      s.running = shared.sink;
      return;
    }
    HashingSink sink = new HashingSink(link.maxMessageBytes());
    SharedRun run = new SharedRun(sink, now);
    run.members.add(s);
    underway.put(key, run);
    s.running = sink;
    runs.incrementAndGet();
    long queueTimeoutMs = Math.max(1_000, r.everySeconds() * 1000L / 2);
    long safety = vertx.setTimer(queueTimeoutMs + r.timeoutMs() + 30_000,
        id -> sink.close(ErrorCode.QUERY_TIMEOUT, "the run did not end in time"));
    // Admitted (queue share, weight) as the registration that started it.
    executor.submitBackground(r.asQuery(run.queryId, queueTimeoutMs), sink);
    sink.done().onComplete(done -> onContext(() -> {
      vertx.cancelTimer(safety);
      underway.remove(key, run);
      HashingSink.Result result = done.result();
      long left = window - (System.currentTimeMillis() - now);
      if (left > 0) {
        Ended answer = new Ended(run.queryId, now, result);
        ended.put(key, answer);
        vertx.setTimer(left, id -> ended.remove(key, answer)); // the answer is not held past its turn
      }
      if (result.succeeded()) {
        rowsRead.addAndGet(result.end().rowCount());
      }
      for (Scheduled member : run.members) {
        if (member.running == sink) {
          member.running = null;
        }
        if (scheduled.get(member.registration.registrationId()) == member) {
          finished(member, run.queryId, now, result);
        }
      }
    }));
  }

  private void finished(Scheduled s, String queryId, long ranAtMs, HashingSink.Result result) {
    Registration r = s.registration;
    Registration.RunNote note;
    if (result.succeeded()) {
      release(r.registrationId());
      boolean changed = !result.hash().equals(r.lastHash())
          && hold(r.registrationId(), new Pending(result.hash(), result.messages(), result.end().rowCount(), result.bytes()));
      note = new Registration.RunNote(r.registrationId(), queryId, "succeeded", result.hash(), changed, ranAtMs,
          result.end().rowCount(), result.bytes(), result.end().queuedMs(), result.end().executionMs());
    } else {
      note = new Registration.RunNote(r.registrationId(), queryId, result.error().code(), null, false, ranAtMs, 0, 0, 0, 0);
    }
    if (link.isReady()) {
      link.sendNote(note.toJson());
    }
  }

  /**
   * Keeps a changed result for the cloud to fetch, if it fits beside the others held; otherwise the
   * change is not reported now, and the next run finds it again (the cloud's hash has not moved).
   */
  private boolean hold(String registrationId, Pending result) {
    boolean heldAlready = holders.containsKey(result.messages());
    if (!heldAlready && heldBytes + result.bytes() > settings.maxHeldBytes()) {
      LOG.warn("registered query {} changed, but {} bytes of changed results already wait for the cloud"
          + " (registered.maxHeldBytes {}): it is reported at its next run", registrationId, heldBytes,
          settings.maxHeldBytes());
      return false;
    }
    pending.put(registrationId, result);
    holders.merge(result.messages(), 1, Integer::sum);
    if (!heldAlready) {
      heldBytes += result.bytes();
    }
    return true;
  }

  private void release(String registrationId) {
    Pending gone = pending.remove(registrationId);
    if (gone != null && holders.merge(gone.messages(), -1, Integer::sum) == 0) {
      holders.remove(gone.messages());
      heldBytes -= gone.bytes();
    }
  }

  /** Bytes of changed results held for the cloud now. */
  public long heldBytes() {
    return onContextWait(() -> heldBytes);
  }

  private void persist() {
    List<Registration> snapshot = scheduled.values().stream().map(s -> s.registration).toList();
    if (snapshot.equals(persisted)) {
      return;
    }
    persisted = snapshot;
    // Ordered on this context: the files are written in the order of the changes.
    vertx.executeBlocking(() -> {
      file.write(snapshot);
      return null;
    }, true).onFailure(e -> LOG.warn("cannot keep the registered queries at {}: {}", file.path(), e.toString()));
  }

  private void onContext(Runnable action) {
    Confined.run(context, action);
  }

  // ---- what it is doing, for status and tests ----

  /** Runs started since the agent started (handed to the executor). */
  public long runs() {
    return runs.get();
  }

  /** Rows the runs read from the database since the agent started. */
  public long rowsRead() {
    return rowsRead.get();
  }

  /** Rows of changed results sent to the cloud (fetched whole) since the agent started. */
  public long rowsSent() {
    return rowsSent.get();
  }

  /** The registrations it holds now, in the order they came. */
  public List<Registration> registrations() {
    return onContextWait(() -> scheduled.values().stream().map(s -> s.registration).toList());
  }

  /** When the registration's last runs started (epoch ms), oldest first. */
  public List<Long> starts(String registrationId) {
    return onContextWait(() -> {
      Scheduled s = scheduled.get(registrationId);
      return s == null ? List.<Long>of() : List.copyOf(s.starts);
    });
  }

  private <T> T onContextWait(java.util.function.Supplier<T> read) {
    if (Confined.isOn(context)) {
      return read.get();
    }
    java.util.concurrent.CompletableFuture<T> value = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> value.complete(read.get()));
    try {
      return value.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the runner did not answer", e);
    }
  }
}
