package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.Alert;
import com.pmsrelay.cloud.store.AlertStore;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ConsoleSessionStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's alerts of suspicious activity, for the session's own practice only (another
 * practice, or another practice's alert, is "not found"):
 * {@code GET /practices/{id}/alerts[?unacknowledged=true&limit=N]} answers
 * {@code {"monitor", "unacknowledged", "alerts": [...]}} newest first (the badge shows
 * {@code unacknowledged}); {@code POST /practices/{id}/alerts/{alertId}/acknowledge} acknowledges
 * one (audited) and answers it.
 */
final class ConsoleAlerts {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private final AlertStore alerts;
  private final boolean monitorOn;
  private final AuditStore audit;

  ConsoleAlerts(AlertStore alerts, boolean monitorOn, AuditStore audit) {
    this.alerts = alerts;
    this.monitorOn = monitorOn;
    this.audit = audit;
  }

  void mount(Router api) {
    api.get("/practices/:practiceId/alerts").handler(this::list);
    api.post("/practices/:practiceId/alerts/:alertId/acknowledge").handler(this::acknowledge);
  }

  private void list(RoutingContext ctx) {
    String unacknowledged = ctx.queryParams().get("unacknowledged");
    if (unacknowledged != null && !unacknowledged.equals("true") && !unacknowledged.equals("false")) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'unacknowledged' must be true or false");
    }
    Long limit = ConsoleRequests.number(ctx, "limit", 1, MAX_LIMIT);
    ConsoleApi.own(ctx)
        .compose(practiceId -> Future.all(
            alerts.list(practiceId, "true".equals(unacknowledged), limit == null ? DEFAULT_LIMIT : limit.intValue()),
            alerts.countUnacknowledged(practiceId)))
        .map(both -> {
          JsonArray list = new JsonArray();
          for (Alert a : both.<java.util.List<Alert>>resultAt(0)) {
            list.add(a.toJson());
          }
          return new JsonObject().put("monitor", monitorOn).put("unacknowledged", both.<Long>resultAt(1))
              .put("alerts", list);
        })
        .onComplete(ConsoleApi.reply(ctx));
  }

  private void acknowledge(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    String alertId = ctx.pathParam("alertId");
    String by = "console:" + s.username();
    long now = System.currentTimeMillis();
    ConsoleApi.own(ctx)
        .compose(practiceId -> alertId.length() > 36 ? Future.succeededFuture(java.util.Optional.<Alert>empty())
            : alerts.acknowledge(practiceId, alertId, by, now))
        .compose(found -> {
          Alert a = found.orElseThrow(() -> new RelayException(ErrorCode.NOT_FOUND, "no such alert"));
          if (!by.equals(a.acknowledgedBy()) || a.acknowledgedAtMs() != now) {
            return Future.succeededFuture(a.toJson()); // acknowledged before: kept as it was, audited then
          }
          return audit.append(AuditRecord.admin(s.practiceId(), by, "alert.acknowledge", null,
                  new JsonObject().put("alertId", a.alertId()).put("rule", a.rule()).put("clientId", a.clientId())))
              .map(seq -> a.toJson());
        })
        .onComplete(ConsoleApi.reply(ctx));
  }
}
