package com.pmsrelay.cloud.control;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.bridge.AgentDirectory;
import com.pmsrelay.cloud.store.ChangeListener;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.ChangeStore.Change;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes control-plane changes take effect on this cloud node within a second, wherever they were
 * made (console, operator command, another node): it follows the change feed and drops agents
 * whose key was rotated, tells agents to refuse the queued queries of integrators that lost
 * access, and reloads the signing keys. On PostgreSQL it reads the feed when a change is announced
 * (LISTEN/NOTIFY, see {@link com.pmsrelay.cloud.store.ChangeListener}) and polls only every
 * {@value #SAFETY_POLL_MS} ms; on embedded H2 it polls every {@value #POLL_MS} ms.
 */
public final class ChangeFollower implements com.pmsrelay.common.Lifecycle {
  static final long POLL_MS = 250;
  /**
   * With LISTEN/NOTIFY: a notification is lost only with its connection, after which the listener
   * reads all it missed itself, so this slow poll is a safety net for faults nobody saw.
   */
  static final long SAFETY_POLL_MS = 30_000;
  /** Each read also looks this far back, for changes committed after one with a higher id; a change is acted on once. */
  static final long WINDOW_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

  private final Vertx vertx;
  private final ChangeStore changes;
  private final GrantStore grants;
  private final AgentDirectory agents;
  private final TokenService tokens;
  private final IntegratorStore integrators;
  private final long pollMs;
  private long startedAfterId;
  /** The highest change id acted on: every read takes all changes above it. */
  private long highestId;
  /** Changes already acted on, with when they were first seen, pruned after the window. */
  private final java.util.Map<Long, Long> seen = new java.util.HashMap<>();
  private long timer = -1;
  private long purgeTimer = -1;
  private ChangeListener listener;
  private boolean reading;
  /** Woken while a read was under way: that read may have missed the change, so read again after it. */
  private boolean readAgain;
  /** Told the practice of every grant that changed (registered queries re-send their set to its agent). */
  private java.util.function.Consumer<String> practiceChanged = practiceId -> { };

  public ChangeFollower(Vertx vertx, ChangeStore changes, GrantStore grants, IntegratorStore integrators,
      AgentDirectory agents, TokenService tokens) {
    this(vertx, changes, grants, integrators, agents, tokens, changes.pushed() ? SAFETY_POLL_MS : POLL_MS);
  }

  /** A follower polling every {@code pollMs} (tests set it far above the notifications' latency). */
  ChangeFollower(Vertx vertx, ChangeStore changes, GrantStore grants, IntegratorStore integrators,
      AgentDirectory agents, TokenService tokens, long pollMs) {
    this.vertx = vertx;
    this.integrators = integrators;
    this.changes = changes;
    this.grants = grants;
    this.agents = agents;
    this.tokens = tokens;
    this.pollMs = pollMs;
  }

  /** Whom to tell of each practice whose grants changed, once the change is in effect here. */
  public ChangeFollower onPracticeChanged(java.util.function.Consumer<String> listener) {
    this.practiceChanged = listener;
    return this;
  }

  /**
   * Starts following from the newest change now; on PostgreSQL, once listening (or its first
   * attempt failed). Deploy it in a {@link com.pmsrelay.common.LifecycleVerticle}: undeploying it
   * stops its timers and its listener.
   */
  @Override
  public Future<Void> start() {
    // Reads, timers and wake-ups all run on this one context: the follower's state needs no locks.
    Context context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> changes.latestId().compose(id -> {
      startedAfterId = id;
      highestId = id;
      timer = vertx.setPeriodic(pollMs, t -> {
        if (!reading) { // a read under way already covers this tick
          read();
        }
      });
      purgeTimer = vertx.setPeriodic(3_600_000, t -> changes.purgeOlderThan(System.currentTimeMillis() - 3_600_000));
      if (!changes.pushed()) {
        return Future.<Void>succeededFuture();
      }
      listener = changes.listen(context, this::read);
      return listener.start();
    }).onComplete(started));
    return started.future();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(purgeTimer);
    if (listener != null) {
      listener.stop();
    }
    return Future.succeededFuture();
  }

  /** Reads the feed: on each poll, and on PostgreSQL when a change is announced (woken while reading: again after). */
  private void read() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    long now = System.currentTimeMillis();
    seen.values().removeIf(firstSeen -> firstSeen < now - 2 * WINDOW_MS);
    long before = highestId;
    changes.newerThan(highestId, now - WINDOW_MS)
        .onSuccess(batch -> {
          apply(batch);
          if (batch.size() >= ChangeStore.READ_LIMIT && highestId > before) {
            readAgain = true; // more are waiting
          }
        })
        .onFailure(e -> LOG.warn("cannot read the change feed: {}", e.toString()))
        .onComplete(done -> {
          reading = false;
          if (readAgain) {
            readAgain = false;
            read();
          }
        });
  }

  private void apply(List<Change> batch) {
    for (Change change : batch) {
      if (change.id() <= startedAfterId || seen.putIfAbsent(change.id(), System.currentTimeMillis()) != null) {
        continue;
      }
      highestId = Math.max(highestId, change.id());
      switch (change.kind()) {
        case ChangeStore.AGENT_KEY -> agents.drop(change.subject(), "the agent key was rotated");
        case ChangeStore.RELEASES -> agents.releasesChanged();
        case ChangeStore.GRANT -> grantChanged(change.subject());
        case ChangeStore.INTEGRATOR -> integratorChanged(change.subject());
        case ChangeStore.SIGNING_KEYS -> tokens.reload()
            .onFailure(e -> LOG.error("cannot reload the signing keys: {}", e.toString()));
        default -> LOG.debug("ignoring change of kind {}", change.kind());
      }
    }
  }

  /** {@code practiceId/clientId}: if the grant no longer allows queries, refuse its queued ones. */
  private void grantChanged(String subject) {
    int slash = subject.indexOf('/');
    if (slash < 0) {
      return;
    }
    String practiceId = subject.substring(0, slash);
    String clientId = subject.substring(slash + 1);
    grants.invalidate(practiceId, clientId);
    grants.find(practiceId, clientId).onSuccess(found -> {
      GrantStatus status = found.map(Grant::status).orElse(GrantStatus.PENDING);
      if (status != GrantStatus.ENABLED) {
        agents.sendControl(practiceId, QueryRequest.cancelClient(clientId, refusal(status).code()));
      }
      practiceChanged.accept(practiceId);
    });
  }

  /** An integrator blocked everywhere: refuse its queued queries at every practice. */
  private void integratorChanged(String clientId) {
    integrators.invalidate(clientId);
    integrators.find(clientId).onSuccess(found -> {
      boolean refused = found.isEmpty() || found.get().blocked();
      grants.visibleTo(clientId).onSuccess(visible -> visible.forEach(v -> {
        if (refused) {
          agents.sendControl(v.practice().practiceId(),
              QueryRequest.cancelClient(clientId, ErrorCode.INTEGRATION_BLOCKED.code()));
        }
        practiceChanged.accept(v.practice().practiceId()); // blocked or unblocked: its registrations stop or resume
      }));
    });
  }

  private static ErrorCode refusal(GrantStatus status) {
    return switch (status) {
      case DISABLED -> ErrorCode.INTEGRATION_DISABLED;
      case BLOCKED -> ErrorCode.INTEGRATION_BLOCKED;
      default -> ErrorCode.PRACTICE_NOT_FOUND;
    };
  }
}
