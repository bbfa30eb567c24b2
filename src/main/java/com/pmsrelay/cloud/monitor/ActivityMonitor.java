package com.pmsrelay.cloud.monitor;

import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.BaselineStore;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The suspicious-activity monitor of one cloud node. It reads the query attempts where the audit
 * log records them ({@link AuditStore#observe}), failed token requests and agents' authentications
 * from node-local event-bus addresses, and runs the {@link Rules} on them on its own context.
 *
 * <p>The query path only queues: the observer puts the attempt on a bounded queue (beyond
 * {@link #MAX_QUEUED}, attempts are dropped and counted) and wakes the monitor's context, which does
 * all the rest. What it learns (tables, hours, daily peaks, addresses) is merged into the store
 * every {@code saveIntervalSeconds} and on stop, and read back when a subject is first seen again,
 * so a restart keeps the learning; the windows themselves (this window's count, recent refusals)
 * live in memory only. Each node sees its own traffic: see the README on clusters.
 */
public final class ActivityMonitor implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityMonitor.class);
  /** Attempts waiting for the monitor's context at most; more are dropped (and counted). */
  static final int MAX_QUEUED = 10_000;
  /** Subjects followed in memory at most; the least recently seen go first (saved if need be). */
  static final int MAX_SUBJECTS = 100_000;
  /** Clients whose failed token requests are counted at most. */
  static final int MAX_CLIENTS = 10_000;
  /** A subject not seen for this long is let go from memory once saved. */
  static final long IDLE_MS = 3_600_000L;
  /** Statements whose tables are read on a worker at once at most (the guard had forgotten them). */
  static final int MAX_READING = 2;

  /** What the monitor needs from the node. */
  public record Parts(AuditStore audit, BaselineStore baselines, com.pmsrelay.cloud.store.AlertStore alerts,
      GrantStore grants, com.pmsrelay.cloud.store.ChangeStore changes, SqlGuard guard,
      io.micrometer.core.instrument.MeterRegistry metrics, String nodeId) {}

  /** One query attempt, as the audit log recorded it. */
  private record Attempt(String practiceId, String clientId, long atMs, String outcome, Long rows, String sql) {}

  private final Vertx vertx;
  private final MonitorConfig config;
  private final Parts parts;
  /** This monitor's hold on the audit log's stream (one reference, so that stopping lets go of it). */
  private final java.util.function.Consumer<com.pmsrelay.cloud.store.AuditRecord> observer = this::observe;
  private final Rules rules;
  private final AlertRecorder recorder;
  private final ConcurrentLinkedQueue<Attempt> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  /** Confined to {@link #context}, like everything below. */
  private final LinkedHashMap<String, Activity> subjects = new LinkedHashMap<>(256, 0.75f, true);
  private final LinkedHashMap<String, Burst> tokenFailures = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Burst> eldest) {
      return size() > MAX_CLIENTS;
    }
  };
  private int reading;
  private volatile Context context;
  private long saveTimer = -1;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  /** Findings being recorded: a stop waits for them. */
  private final List<Future<?>> recording = new ArrayList<>();

  public ActivityMonitor(Vertx vertx, MonitorConfig config, Parts parts) {
    this.vertx = vertx;
    this.config = config;
    this.parts = parts;
    this.rules = new Rules(config);
    this.recorder = new AlertRecorder(config, parts.alerts(),
        new IntegratorPause(parts.grants(), parts.changes(), parts.audit()), parts.metrics(), parts.nodeId());
  }

  /** On the monitor's own context (deployed as a {@code LifecycleVerticle}). */
  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.MONITOR_TOKEN_FAILED,
        m -> tokenFailed(m.body())));
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.MONITOR_AGENT, m -> agent(m.body())));
    saveTimer = vertx.setPeriodic(config.saveIntervalMs(), id -> saveAll());
    parts.audit().observe(observer);
    LOG.info("suspicious-activity monitor on: rules {}", enabledRules());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    parts.audit().stopObserving(observer);
    vertx.cancelTimer(saveTimer);
    consumers.forEach(MessageConsumer::unregister);
    drain();
    return Future.join(new ArrayList<>(recording)).transform(v -> saveAll()).mapEmpty();
  }

  private List<String> enabledRules() {
    List<String> on = new ArrayList<>();
    if (config.volume().enabled()) on.add(MonitorConfig.VOLUME);
    if (config.newTables().enabled()) on.add(MonitorConfig.NEW_TABLES);
    if (config.refusals().enabled()) on.add(MonitorConfig.REFUSALS);
    if (config.offHours().enabled()) on.add(MonitorConfig.OFF_HOURS);
    if (config.tokenFailures().enabled()) on.add(MonitorConfig.TOKEN_FAILURES);
    if (config.agentKey().enabled()) on.add(MonitorConfig.AGENT_KEY);
    return on;
  }

  /** Any thread (the query path): queues an attempt and wakes the monitor. Never blocks. */
  private void observe(AuditRecord r) {
    if (!AuditRecord.KIND_QUERY.equals(r.kind()) || AuditRecord.NO_PRACTICE.equals(r.chain()) || r.actor() == null) {
      return;
    }
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      if (dropped.incrementAndGet() % 1_000 == 1) {
        LOG.warn("monitor: {} query attempts dropped so far (more than {} waiting)", dropped.get(), MAX_QUEUED);
      }
      return;
    }
    queue.add(new Attempt(r.chain(), r.actor(), r.atMs(), r.outcome(), r.rowCount(), r.sqlText()));
    Context own = context;
    if (own != null && draining.compareAndSet(false, true)) {
      own.runOnContext(v -> drain());
    }
  }

  /** On the context: everything queued, in order. */
  private void drain() {
    draining.set(false);
    Attempt a;
    while ((a = queue.poll()) != null) {
      queued.decrementAndGet();
      attempt(a);
    }
  }

  private void attempt(Attempt attempt) {
    withSubject(attempt.practiceId(), attempt.clientId(), a -> {
      raise(rules.attempt(a, attempt.atMs(), attempt.outcome(), attempt.rows()));
      if (!Rules.SQL_REJECTED.equals(attempt.outcome()) && !Rules.SCOPE_DENIED.equals(attempt.outcome())
          && attempt.sql() != null) {
        tablesOf(attempt.sql(), tables -> withSubject(attempt.practiceId(), attempt.clientId(),
            later -> raise(rules.tables(later, attempt.atMs(), tables))));
      }
    });
  }

  /**
   * The tables a statement reads: what the node's guard remembers of it (the query path checked
   * it a moment ago), or a reading on a worker when it has forgotten (a few at a time; beyond, the
   * statement is skipped). A text the audit log cut short cannot be read and is skipped.
   */
  private void tablesOf(String sql, java.util.function.Consumer<Set<String>> then) {
    SqlGuard.Checked known = parts.guard().remembered(sql);
    if (known != null) {
      then.accept(known.tables());
      return;
    }
    if (sql.length() >= AuditRecord.MAX_SQL_CHARS || reading >= MAX_READING) {
      return;
    }
    reading++;
    onContext(vertx.executeBlocking(() -> parts.guard().check(sql).tables(), false), done -> {
      reading--;
      if (done.succeeded()) {
        then.accept(done.result());
      }
    });
  }

  /** A failed token request (401 invalid_client), from this node's API. */
  private void tokenFailed(JsonObject body) {
    MonitorConfig.TokenFailures f = config.tokenFailures();
    String clientId = body.getValue("clientId") instanceof String c ? c : null;
    if (!f.enabled() || clientId == null) {
      return;
    }
    long now = System.currentTimeMillis();
    Burst burst = tokenFailures.computeIfAbsent(clientId, c -> new Burst(f.threshold()));
    if (!burst.add(now, f.windowSeconds() * 1000L, f.cooldownMinutes() * 60_000L)) {
      return;
    }
    // Shown to every practice the client can reach; a client nobody granted (or none at all) has nobody to tell.
    JsonObject figures = new JsonObject().put("failures", f.threshold())
        .put("withinSeconds", Math.round(burst.spanMs() / 100.0) / 10.0)
        .put("windowSeconds", f.windowSeconds()).put("threshold", f.threshold());
    onContext(parts.grants().visibleTo(clientId), done -> {
      if (done.failed()) {
        LOG.warn("monitor: cannot read the grants of client {}: {}", clientId, done.cause().toString());
        return;
      }
      if (done.result().isEmpty()) {
        LOG.info("monitor: {} failed token requests within {} s for client id {}, which no practice has granted",
            f.threshold(), f.windowSeconds(), safe(clientId));
      }
      List<Finding> found = new ArrayList<>();
      for (GrantStore.Visible v : done.result()) {
        found.add(new Finding(v.grant().practiceId(), clientId, MonitorConfig.TOKEN_FAILURES, now, figures.copy()));
      }
      raise(found);
    });
  }

  /** An agent authenticated, or its connection was taken over, at this node's bridge. */
  private void agent(JsonObject body) {
    String practiceId = body.getValue("practiceId") instanceof String p ? p : null;
    if (practiceId == null) {
      return;
    }
    long now = System.currentTimeMillis();
    withSubject(practiceId, BaselineStore.AGENT, a -> raise(switch (body.getString("event", "")) {
      case "authenticated" -> rules.agentAuthenticated(a, now, body.getString("address"));
      case "takeover" -> rules.agentTakenOver(a, now, body.getString("address"), body.getString("bootId"),
          body.getLong("heardAgoMs", Long.MAX_VALUE), body.getString("newAddress"), body.getString("newBootId"));
      default -> List.of();
    }));
  }

  private void raise(List<Finding> found) {
    for (Finding f : found) {
      Future<?> recorded = recorder.record(f);
      recording.add(recorded);
      onContext(recorded, done -> recording.remove(recorded));
    }
  }

  /** Runs {@code work} with the subject's activity once its stored baseline is loaded. */
  private void withSubject(String practiceId, String subject, java.util.function.Consumer<Activity> work) {
    String key = Activity.key(practiceId, subject);
    Activity a = subjects.get(key);
    if (a == null) {
      a = new Activity(practiceId, subject);
      subjects.put(key, a);
      evictBeyondCap();
      load(a);
    }
    a.touchedMs = System.currentTimeMillis();
    Activity activity = a;
    if (activity.loaded) {
      work.accept(activity);
    } else if (activity.waiting.size() < Activity.MAX_WAITING) {
      activity.waiting.add(() -> work.accept(activity));
    } else {
      dropped.incrementAndGet();
    }
  }

  private void load(Activity a) {
    onContext(parts.baselines().load(a.practiceId, a.subject), done -> {
      if (done.succeeded()) {
        a.learnt.mergeFrom(Baseline.decode(done.result().orElse(null)), config.newTables().maxTables(),
            config.volume().baselineDays(), config.agentKey().maxAddresses());
      } else {
        LOG.warn("monitor: cannot read the baseline of {}: {}", a.key(), done.cause().toString());
      }
      a.loaded = true;
      List<Runnable> waiting = new ArrayList<>(a.waiting);
      a.waiting.clear();
      waiting.forEach(Runnable::run);
    });
  }

  private void evictBeyondCap() {
    Iterator<Activity> oldest = subjects.values().iterator();
    while (subjects.size() > MAX_SUBJECTS && oldest.hasNext()) {
      Activity a = oldest.next();
      if (!a.loaded) {
        continue;
      }
      oldest.remove();
      if (a.dirty) {
        save(a);
      }
    }
  }

  /**
   * Merges every subject's new learning into the store, one after another (it never takes more than
   * one of the store's connections), and lets go of subjects idle for an hour.
   */
  private Future<Void> saveAll() {
    long now = System.currentTimeMillis();
    List<Activity> dirty = new ArrayList<>();
    for (Iterator<Activity> it = subjects.values().iterator(); it.hasNext(); ) {
      Activity a = it.next();
      if (!a.loaded) {
        continue;
      }
      rules.closeIfEnded(a, now);
      if (a.dirty) {
        dirty.add(a);
      } else if (now - a.touchedMs > IDLE_MS) {
        it.remove();
      }
    }
    Future<Void> saved = Future.succeededFuture();
    for (Activity a : dirty) {
      saved = saved.transform(v -> save(a));
    }
    return saved;
  }

  private Future<Void> save(Activity a) {
    a.dirty = false;
    String mine = a.learnt.encode(); // read here, on the context; merged on the store's thread
    int maxTables = config.newTables().maxTables();
    int days = config.volume().baselineDays();
    int maxAddresses = config.agentKey().maxAddresses();
    io.vertx.core.Promise<Void> saved = io.vertx.core.Promise.promise();
    onContext(parts.baselines().merge(a.practiceId, a.subject, stored -> {
      Baseline merged = Baseline.decode(stored);
      merged.mergeFrom(Baseline.decode(mine), maxTables, days, maxAddresses);
      return merged.encode();
    }), done -> {
      if (done.succeeded()) {
        // What other nodes learnt comes back with it.
        a.learnt.mergeFrom(Baseline.decode(done.result()), maxTables, days, maxAddresses);
      } else {
        a.dirty = true;
        LOG.warn("monitor: cannot save the baseline of {}: {}", a.key(), done.cause().toString());
      }
      saved.complete();
    });
    return saved.future();
  }

  /** Handles {@code future}'s outcome on the monitor's context, whichever thread completes it. */
  private <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(done -> {
      com.pmsrelay.common.Confined.run(context, () -> handler.handle(done));
    });
  }

  /** Query attempts dropped because the monitor fell behind (or a subject's baseline was slow to load). */
  public long dropped() {
    return dropped.get();
  }

  /** Logs only what looks like a client id: the value came from an unauthenticated request. */
  private static String safe(String value) {
    return value.matches("[A-Za-z0-9_.-]{1,64}") ? value : "<invalid>";
  }
}
