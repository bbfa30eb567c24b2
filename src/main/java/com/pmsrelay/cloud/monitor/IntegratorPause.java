package com.pmsrelay.cloud.monitor;

import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Pauses an integrator at a practice for a rule that fired: its grant becomes {@code disabled}
 * (integrators get 403 {@code integration_disabled}), exactly as a practice admin's click does:
 * this node's grant cache is cleared by the write, every other node's by the change feed, which
 * also refuses the integrator's queued queries; and the pause is audited as the monitor's action.
 */
final class IntegratorPause {
  /** The audit log's actor for what the monitor does. */
  static final String ACTOR = "monitor";

  private final GrantStore grants;
  private final ChangeStore changes;
  private final AuditStore audit;

  IntegratorPause(GrantStore grants, ChangeStore changes, AuditStore audit) {
    this.grants = grants;
    this.changes = changes;
    this.audit = audit;
  }

  /** True if the grant was enabled and is now disabled; false if there was nothing to pause. */
  Future<Boolean> pause(String practiceId, String clientId, String rule, String alertId) {
    return grants.find(practiceId, clientId).compose(found -> {
      if (found.isEmpty() || found.get().status() != GrantStatus.ENABLED) {
        return Future.succeededFuture(false);
      }
      Grant g = found.get();
      Grant paused = new Grant(g.practiceId(), g.clientId(), GrantStatus.DISABLED, g.scopes(), g.maxRows(),
          g.maxTimeoutMs(), g.maxQueueTimeoutMs(), g.ratePerMinute(), g.weight());
      return grants.put(paused)
          .compose(v -> changes.publish(ChangeStore.GRANT, practiceId + "/" + clientId))
          .compose(v -> audit.append(AuditRecord.admin(practiceId, ACTOR, "grant." + GrantStatus.DISABLED.wire(),
              g.toJson().put("clientId", clientId), paused.toJson().put("clientId", clientId)
                  .put("reason", "monitor rule " + rule).put("alertId", alertId))))
          .map(true);
    });
  }
}
