package com.pmsrelay.cloud.control;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.bridge.AgentDirectory;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.ChangeStore.Change;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes control-plane changes take effect on this cloud node within a second, wherever they were
 * made (console, operator command, another node): it follows the change feed every
 * {@value #POLL_MS} ms and drops agents whose key was rotated, tells agents to refuse the queued
 * queries of integrators that lost access, and reloads the signing keys.
 */
public final class ChangeFollower implements com.pmsrelay.common.Lifecycle {
  static final long POLL_MS = 250;
  /** How far back each poll looks; a change is acted on once, however many polls see it. */
  static final long WINDOW_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

  private final Vertx vertx;
  private final ChangeStore changes;
  private final GrantStore grants;
  private final AgentDirectory agents;
  private final TokenService tokens;
  private final IntegratorStore integrators;
  private long startedAfterId;
  /** Changes already acted on, with when they were first seen, pruned after the window. */
  private final java.util.Map<Long, Long> seen = new java.util.HashMap<>();
  private long timer = -1;
  private long purgeTimer = -1;
  private boolean polling;

  public ChangeFollower(Vertx vertx, ChangeStore changes, GrantStore grants, IntegratorStore integrators,
      AgentDirectory agents, TokenService tokens) {
    this.vertx = vertx;
    this.integrators = integrators;
    this.changes = changes;
    this.grants = grants;
    this.agents = agents;
    this.tokens = tokens;
  }

  /** Deploy it in a {@link com.pmsrelay.common.LifecycleVerticle}: undeploying it stops both timers. */
  @Override
  public Future<Void> start() {
    return changes.latestId().map(id -> {
      startedAfterId = id;
      timer = vertx.setPeriodic(POLL_MS, t -> poll());
      purgeTimer = vertx.setPeriodic(3_600_000, t -> changes.purgeOlderThan(System.currentTimeMillis() - 3_600_000));
      return null;
    });
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(purgeTimer);
    return Future.succeededFuture();
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    long now = System.currentTimeMillis();
    seen.values().removeIf(firstSeen -> firstSeen < now - 2 * WINDOW_MS);
    changes.since(now - WINDOW_MS)
        .onSuccess(this::apply)
        .onFailure(e -> LOG.warn("cannot read the change feed: {}", e.toString()))
        .onComplete(done -> polling = false);
  }

  private void apply(List<Change> batch) {
    for (Change change : batch) {
      if (change.id() <= startedAfterId || seen.putIfAbsent(change.id(), System.currentTimeMillis()) != null) {
        continue;
      }
      switch (change.kind()) {
        case ChangeStore.AGENT_KEY -> agents.drop(change.subject(), "the agent key was rotated");
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
    });
  }

  /** An integrator blocked everywhere: refuse its queued queries at every practice. */
  private void integratorChanged(String clientId) {
    integrators.invalidate(clientId);
    integrators.find(clientId).onSuccess(found -> {
      if (found.isEmpty() || found.get().blocked()) {
        grants.visibleTo(clientId).onSuccess(visible -> visible.forEach(v ->
            agents.sendControl(v.practice().practiceId(),
                QueryRequest.cancelClient(clientId, ErrorCode.INTEGRATION_BLOCKED.code()))));
      }
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
