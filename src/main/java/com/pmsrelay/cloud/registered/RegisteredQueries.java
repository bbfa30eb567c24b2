package com.pmsrelay.cloud.registered;

import com.pmsrelay.cloud.bridge.AgentDirectory;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryStream;
import com.pmsrelay.cloud.results.ResultFileSink;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.Integrator;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.QueryRecord;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.cloud.store.RegisteredQuery;
import com.pmsrelay.cloud.store.RegisteredQueryStore;
import com.pmsrelay.cloud.webhook.ChangeNotices;
import com.pmsrelay.common.Confined;
import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.Registration;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's side of registered queries, on each node. It gives a practice's agent the set of
 * registrations it should run: when the agent connects to this node, when a registration is added
 * or removed ({@link #sync}, on any node), and when a grant changes (the change feed, so a disabled,
 * blocked or quarantined grant's registrations leave the agent's set at once). Only the node holding
 * the agent reads and sends its set, one read at a time per practice, and reads again after any
 * change told meanwhile: each set replaces the last at the agent, so one read before a change must
 * never arrive after one read since. It takes the run
 * notes of the agents connected here: every run is audited (kind {@code registered}) and recorded
 * as the registration's last run; a run whose result changed has its rows fetched from the agent
 * (a result stream, like an async query's) into a kept result ({@code queries} row of mode
 * {@value #MODE}, encrypted file, the same retention), the change recorded only if no other got
 * there first, announced ({@link ChangeNotices}), and the agent told the hash now stored.
 */
public final class RegisteredQueries implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RegisteredQueries.class);
  /** The mode of the kept results of registered queries in the {@code queries} table. */
  public static final String MODE = "registered";
  /** How many expired registrations one sweep marks at most (the next sweep takes the rest). */
  private static final int SWEEP_BATCH = 500;
  /** How long fetching a changed result from the agent may take. */
  private static final long FETCH_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final RegisteredQueryStore store;
  private final GrantStore grants;
  private final IntegratorStore integrators;
  private final QueryRecordStore records;
  private final ResultFiles files;
  private final AuditStore audit;
  private final QueryDispatcher dispatcher;
  private final AgentDirectory agents;
  private final ChangeNotices notices;
  private final String nodeId;
  private final CloudConfig.RegisteredConfig settings;
  private final long retentionMs;
  private Context context;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private long sweepTimer = -1;
  /**
   * Practices whose set is being read and sent now (on this node's context), each with whether a
   * change was told meanwhile (then it is read and sent again).
   */
  private final Map<String, Boolean> sending = new java.util.HashMap<>();

  /** What the component works with. */
  public record Parts(RegisteredQueryStore store, GrantStore grants, IntegratorStore integrators,
      QueryRecordStore records, ResultFiles files,
      AuditStore audit, QueryDispatcher dispatcher, AgentDirectory agents, ChangeNotices notices, String nodeId,
      CloudConfig.RegisteredConfig settings, long retentionMs) {}

  public RegisteredQueries(Vertx vertx, Parts parts) {
    this.vertx = vertx;
    this.store = parts.store();
    this.grants = parts.grants();
    this.integrators = parts.integrators();
    this.records = parts.records();
    this.files = parts.files();
    this.audit = parts.audit();
    this.dispatcher = parts.dispatcher();
    this.agents = parts.agents();
    this.notices = parts.notices();
    this.nodeId = parts.nodeId();
    this.settings = parts.settings();
    this.retentionMs = parts.retentionMs();
  }

  public CloudConfig.RegisteredConfig settings() {
    return settings;
  }

  public RegisteredQueryStore store() {
    return store;
  }

  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    MessageConsumer<JsonObject> moved = vertx.eventBus().consumer(Addresses.AGENT_MOVED, m -> {
      if (nodeId.equals(m.body().getString("node"))) {
        send(m.body().getString("practiceId", ""));
      }
    });
    MessageConsumer<JsonObject> changed = vertx.eventBus().consumer(Addresses.REGISTERED_SYNC,
        m -> practiceChanged(m.body().getString("practiceId", "")));
    MessageConsumer<JsonObject> notes = vertx.eventBus().localConsumer(Addresses.REGISTERED_NOTES, m -> {
      Registration.RunNote note = m.body().getValue("note") instanceof JsonObject json ? Registration.RunNote.fromJson(json)
          : null;
      if (note != null) {
        onNote(m.body().getString("practiceId"), note);
      }
    });
    consumers.add(moved);
    consumers.add(changed);
    consumers.add(notes);
    sweepTimer = vertx.setPeriodic(settings.sweepIntervalMs(), id -> sweep(System.currentTimeMillis())
        .onFailure(e -> LOG.warn("cannot sweep expired registered queries: {}", e.toString())));
    return Future.all(moved.completion(), changed.completion(), notes.completion()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /**
   * Marks the registrations whose expiry has passed as expired in the store and sends each of
   * their practices' agents its set without them, without waiting for anyone to read them (the
   * agent would stop one at its next run anyway; this also takes it out of the agent's kept file).
   * Several nodes may sweep at once: each expired registration is marked, and its agent told, by
   * one. Those expired longer ago than results are kept (their last result is gone too) are
   * removed. Answers how many it marked.
   */
  public Future<Integer> sweep(long nowMs) {
    store.purgeExpired(nowMs - retentionMs)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("removed {} registered queries expired more than {} ms ago", n, retentionMs);
          }
        })
        .onFailure(e -> LOG.warn("cannot remove long-expired registered queries: {}", e.toString()));
    return store.expireDue(nowMs, SWEEP_BATCH).compose(expired -> {
      List<String> practices = expired.stream().map(RegisteredQuery::practiceId).distinct().toList();
      for (RegisteredQuery r : expired) {
        LOG.info("registered query {} of {} expired", r.registrationId(), r.clientId());
      }
      practices.forEach(this::sync);
      return Future.succeededFuture(expired.size());
    });
  }

  /**
   * The practice's registrations changed: the node holding its agent (this one or another) sends it
   * its set again.
   */
  public void sync(String practiceId) {
    vertx.eventBus().publish(Addresses.REGISTERED_SYNC, new JsonObject().put("practiceId", practiceId));
  }

  /** A grant of the practice changed (change feed): its agent, if connected here, gets its set again. */
  public void practiceChanged(String practiceId) {
    if (context != null && agents.isConnected(practiceId)) { // not started: the agent's connect brings its set
      send(practiceId);
    }
  }

  /**
   * Reads the practice's set and sends it to its agent (connected here), unless a read is under way:
   * then that one is followed by another, so the last set sent was read after the last change.
   */
  private void send(String practiceId) {
    Confined.run(context, () -> {
      if (sending.containsKey(practiceId)) {
        sending.put(practiceId, true);
        return;
      }
      sending.put(practiceId, false);
      runnable(practiceId)
          .onSuccess(set -> vertx.eventBus().send(Addresses.practice(practiceId), Registration.set(set)))
          .onFailure(e -> LOG.warn("cannot give the agent of practice {} its registrations: {}", practiceId, e.toString()))
          .onComplete(done -> Confined.run(context, () -> {
            if (Boolean.TRUE.equals(sending.remove(practiceId))) {
              send(practiceId);
            }
          }));
    });
  }

  /**
   * The registrations the practice's agent should run now: unexpired, their grant enabled and their
   * integrator not blocked everywhere, with the grant's scopes, weight and caps of today.
   */
  private Future<List<Registration>> runnable(String practiceId) {
    return Future.all(store.ofPractice(practiceId), grants.forPractice(practiceId)).compose(both -> {
      List<RegisteredQuery> registered = both.resultAt(0);
      List<String> clients = registered.stream().map(RegisteredQuery::clientId).distinct().toList();
      return Future.all(clients.stream().map(integrators::find).toList()).map(found -> {
        Set<String> blocked = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
          Optional<Integrator> integrator = found.resultAt(i);
          if (integrator.isEmpty() || integrator.get().blocked()) {
            blocked.add(clients.get(i));
          }
        }
        return runnable(practiceId, registered, both.<List<Grant>>resultAt(1), blocked);
      });
    });
  }

  private List<Registration> runnable(String practiceId, List<RegisteredQuery> registered, List<Grant> practiceGrants,
      Set<String> blocked) {
    Map<String, Grant> byClient = practiceGrants.stream().collect(Collectors.toMap(Grant::clientId, Function.identity()));
    long now = System.currentTimeMillis();
    List<Registration> set = new ArrayList<>();
    for (RegisteredQuery r : registered) {
      Grant grant = byClient.get(r.clientId());
      if (grant == null || grant.status() != GrantStatus.ENABLED || blocked.contains(r.clientId()) || r.expired(now)) {
        continue;
      }
      JsonArray params;
      try {
        params = params(r);
      } catch (Exception e) {
        LOG.warn("registered query {}: its parameters cannot be opened (sealed under a key this node lacks)",
            r.registrationId());
        continue;
      }
      set.add(new Registration(r.registrationId(), practiceId, r.clientId(), r.sql(), params, r.catalogue(),
          r.everySeconds(), r.expiresAtMs(), r.lastHash(), grant.maxTimeoutMs(), grant.maxRows(),
          settings.maxResultBytes(), grant.weight(), grant.scopes()));
    }
    return set;
  }

  /** Seals a registration's parameter values for the store (null when there are none). */
  public String sealParams(String registrationId, JsonArray params) {
    return params.isEmpty() ? null : files.keys().sealText("registration:" + registrationId, params.encode());
  }

  private JsonArray params(RegisteredQuery r) throws java.security.GeneralSecurityException {
    return r.paramsSealed() == null ? new JsonArray()
        : new JsonArray(files.keys().openText("registration:" + r.registrationId(), r.paramsSealed()));
  }

  private void onNote(String practiceId, Registration.RunNote note) {
    store.find(note.registrationId()).onSuccess(found -> {
      if (found.isEmpty() || !found.get().practiceId().equals(practiceId)) {
        return; // deleted meanwhile, or not this agent's: nothing to record
      }
      RegisteredQuery r = found.get();
      audit.append(AuditRecord.registered(practiceId, r.clientId(), note.outcome(), note.queryId(), r.registrationId(),
              r.sql(), r.paramsCount(), note.rowCount(), note.bytes(), note.queuedMs(), note.executionMs()))
          .onFailure(e -> LOG.error("could not write the audit record of registered run {}", note.queryId(), e));
      if (!note.changed() || note.hash().equals(r.lastHash())) {
        store.ran(r.registrationId(), note.ranAtMs())
            .onFailure(e -> LOG.warn("cannot record a run of registered query {}: {}", r.registrationId(), e.toString()));
        if (note.changed()) {
          tellStored(practiceId, r.registrationId(), note.hash()); // the agent missed the last acknowledgement
        }
        return;
      }
      fetch(r, note);
    }).onFailure(e -> LOG.warn("cannot read registered query {}: {}", note.registrationId(), e.toString()));
  }

  /** Fetches the changed result from the agent into a kept result, then records and announces the change. */
  private void fetch(RegisteredQuery r, Registration.RunNote note) {
    String resultId = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    records.insert(QueryRecord.queued(resultId, r.clientId(), r.practiceId(), MODE, null, note.hash(), null, nodeId, now))
        .onSuccess(v -> context.runOnContext(x -> {
          QueryRequest shape = new QueryRequest(resultId, r.practiceId(), r.clientId(), null, new JsonArray(), null,
              FETCH_TIMEOUT_MS, 0, Integer.MAX_VALUE - 1, settings.maxResultBytes(), 1, new JsonArray(),
              QueryRequest.DEFAULT_CREDIT);
          JsonObject wire = Registration.fetch(resultId, r.practiceId(), r.clientId(), r.registrationId(), note.hash(),
              QueryRequest.DEFAULT_CREDIT);
          ResultFileSink[] sink = new ResultFileSink[1];
          QueryStream stream = dispatcher.dispatch(shape, wire, flow -> sink[0] = files.sink(resultId, flow));
          sink[0].done().onComplete(kept -> {
            long end = System.currentTimeMillis();
            if (kept.failed()) {
              LOG.warn("registered query {}: its changed result could not be fetched from the agent: {}",
                  r.registrationId(), kept.cause().getMessage());
              records.finish(resultId, new QueryRecordStore.Outcome(QueryRecord.FAILED, null, null, null, null, null,
                  "fetch_failed", "the changed result could not be fetched from the agent"), end, end + retentionMs, false);
              return;
            }
            ResultFileSink.Kept result = kept.result();
            records.finish(resultId, new QueryRecordStore.Outcome(QueryRecord.SUCCEEDED, result.end().rowCount(),
                    result.end().truncated(), result.bytes(), note.queuedMs(), note.executionMs(), null, null),
                    end, end + retentionMs, false)
                .compose(done -> store.changed(r.registrationId(), r.lastHash(), note.hash(), resultId, note.ranAtMs()))
                .onSuccess(recorded -> {
                  if (!recorded) {
                    return; // another change was recorded first; this result stays readable but is not announced
                  }
                  tellStored(r.practiceId(), r.registrationId(), note.hash());
                  notices.announce(r.clientId(), r.registrationId(), resultId, Instant.ofEpochMilli(note.ranAtMs()))
                      .onFailure(e -> LOG.error("the change of registered query {} could not be announced",
                          r.registrationId(), e));
                })
                .onFailure(e -> LOG.error("cannot record the change of registered query {}", r.registrationId(), e));
          });
          stream.accepted().onFailure(e -> { }); // a failed dispatch ends the sink too
        }))
        .onFailure(e -> LOG.error("cannot keep the changed result of registered query {}", r.registrationId(), e));
  }

  private void tellStored(String practiceId, String registrationId, String hash) {
    vertx.eventBus().send(Addresses.practice(practiceId), Registration.stored(registrationId, hash));
  }
}
