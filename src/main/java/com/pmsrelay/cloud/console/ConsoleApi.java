package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.bridge.LiveAgentStatus;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.ConsoleSessionStore;
import com.pmsrelay.cloud.store.ConsoleUserStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.Integrator;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.SignedHead;
import com.pmsrelay.cloud.store.QuarantineStore;
import com.pmsrelay.cloud.store.RegisteredQueryStore;
import com.pmsrelay.cloud.throttle.FailureThrottle;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The practice admins' console API under {@code /console/api}: log in and out, the practice and its
 * agent, the integration catalogue with this practice's grants (enable, disable, block, pairing
 * codes), agent key rotation, quarantine ({@link ConsoleQuarantine}), the queries integrations
 * registered here ({@link ConsoleRegistered}) and the audit log. Every path
 * names the practice and every handler checks it is the session's own: another practice's id is
 * "not found", like one that does not exist. Every change is audited with before and after, and
 * published to the change feed.
 */
public final class ConsoleApi {
  /** What the console needs from the cloud node. */
  public record Parts(ConsoleUserStore users, ConsoleSessionStore sessions, PracticeStore practices,
      IntegratorStore integrators, GrantStore grants, PairingStore pairings, AuditStore audit, ChangeStore changes,
      LiveAgentStatus agentStatus, QuarantineStore quarantines, com.pmsrelay.cloud.store.AlertStore alerts,
      boolean monitorOn, RegisteredQueryStore registered, com.pmsrelay.cloud.store.AgentStateStore agentStates) {}

  static final long SESSION_TTL_MS = 8 * 60 * 60 * 1000;
  static final long PAIRING_TTL_MS = 15 * 60 * 1000;
  private static final int MAX_AUDIT_PAGE = 500;
  private static final int MAX_CSV_RECORDS = 10_000;
  private static final int TOP_QUERIES = 10;

  private final Parts parts;
  /** The node's throttle of failed logins (this object is the node's, shared by every HTTP instance). */
  private final FailureThrottle logins;
  /** Whose failures a login counts: the client's address, behind a trusted proxy the one it forwards. */
  private final com.pmsrelay.cloud.edge.ClientAddress clients;

  public ConsoleApi(Parts parts, FailureThrottle logins, com.pmsrelay.cloud.edge.ClientAddress clients) {
    this.parts = parts;
    this.logins = logins;
    this.clients = clients;
  }

  /** A router for {@code /console/api/*}. */
  public Router router(Vertx vertx) {
    Router api = Router.router(vertx);
    ConsoleSession session = new ConsoleSession(parts.sessions());
    api.post("/login").handler(this::login);
    api.route().handler(session);
    api.post("/logout").handler(this::logout);
    api.get("/session").handler(this::whoAmI);
    api.get("/practices/:practiceId").handler(ctx -> own(ctx).compose(this::practice).onComplete(reply(ctx)));
    api.get("/practices/:practiceId/integrations").handler(ctx -> own(ctx).compose(this::catalogue).onComplete(reply(ctx)));
    api.put("/practices/:practiceId/integrations/:clientId").handler(this::setStatus);
    api.post("/practices/:practiceId/integrations/:clientId/pairing-codes").handler(this::pairingCode);
    api.post("/practices/:practiceId/agent-key").handler(this::rotateAgentKey);
    api.post("/practices/:practiceId/move").handler(this::move);
    api.get("/practices/:practiceId/audit").handler(this::audit);
    api.get("/practices/:practiceId/audit.csv").handler(this::auditCsv);
    api.get("/practices/:practiceId/activity").handler(this::activity);
    api.get("/practices/:practiceId/top-queries").handler(this::topQueries);
    new ConsoleAlerts(parts.alerts(), parts.monitorOn(), parts.audit()).mount(api);
    new ConsoleQuarantine(parts.quarantines()).routes(api);
    new ConsoleRegistered(parts.registered(), parts.grants(), parts.integrators()).routes(api);
    return api;
  }

  private void login(RoutingContext ctx) {
    JsonObject body = ConsoleRequests.json(ctx);
    String username = ConsoleRequests.text(body, "username", 100);
    String password = ConsoleRequests.text(body, "password", 500);
    String address = FailureThrottle.addressKey(clients.of(ctx.request()));
    long waitMs = logins.admit(username, address);
    if (waitMs > 0) {
      // Not checked at all, even if right: the KDF runs only for attempts the throttle admits.
      int retryAfter = FailureThrottle.retryAfterSeconds(waitMs);
      logins.hold(ctx.vertx(), waitMs).onComplete(held -> {
        if (!ctx.response().closed()) {
          ctx.fail(new RelayException(ErrorCode.RATE_LIMITED,
              "too many failed logins: try again in " + retryAfter + " s", retryAfter));
        }
      });
      return;
    }
    parts.users().authenticate(username, password)
        .andThen(checked -> {
          if (checked.succeeded()) {
            if (checked.result().isPresent()) {
              logins.succeeded(username, address);
            } else {
              logins.failed(username, address);
            }
          }
        })
        .compose(user -> user.isPresent() ? parts.sessions().create(user.get().username(), user.get().practiceId(), SESSION_TTL_MS)
            : Future.failedFuture(new RelayException(ErrorCode.INVALID_LOGIN, "wrong username or password")))
        .compose(created -> {
          ctx.response().addCookie(ConsoleSession.cookie(created.cookieValue(), SESSION_TTL_MS / 1000));
          return sessionJson(created.session());
        })
        .onComplete(reply(ctx));
  }

  private void logout(RoutingContext ctx) {
    parts.sessions().delete(ctx.request().getCookie(ConsoleSession.COOKIE).getValue())
        .map(v -> {
          ctx.response().addCookie(ConsoleSession.cookie("", 0));
          return new JsonObject().put("loggedOut", true);
        })
        .onComplete(reply(ctx));
  }

  private void whoAmI(RoutingContext ctx) {
    sessionJson(ConsoleSession.of(ctx)).onComplete(reply(ctx));
  }

  private Future<JsonObject> sessionJson(ConsoleSessionStore.Session s) {
    return parts.practices().find(s.practiceId()).map(p -> new JsonObject()
        .put("username", s.username())
        .put("practiceId", s.practiceId())
        .put("practiceName", p.map(x -> x.name()).orElse(""))
        .put("csrfToken", s.csrfToken()));
  }

  /** The path's practice if it is the session's own; else not found (no existence leak). */
  static Future<String> own(RoutingContext ctx) {
    String practiceId = ctx.pathParam("practiceId");
    if (!ConsoleSession.of(ctx).practiceId().equals(practiceId)) {
      return Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such practice"));
    }
    return Future.succeededFuture(practiceId);
  }

  private Future<JsonObject> practice(String practiceId) {
    return parts.practices().find(practiceId).compose(found -> {
      var p = found.orElseThrow(() -> new RelayException(ErrorCode.NOT_FOUND, "no such practice"));
      return Future.all(parts.agentStatus().json(p), parts.agentStates().of(practiceId), parts.agentStates().policy())
          .map(all -> new JsonObject()
              .put("practiceId", p.practiceId())
              .put("name", p.name())
              .put("pms", new JsonObject().put("kind", p.pmsKind()).put("version", p.pmsVersion()))
              .put("agent", withUpdate(all.<JsonObject>resultAt(0), p.agentVersion(), all.resultAt(1), all.resultAt(2))));
    });
  }

  /**
   * The agent's status with what the console shows of its version: the address it connects from,
   * its last update (offered, downloading, refused, switched, rolled-back, with the reason), and
   * {@code versionNotice} when the version policy finds it below the minimum or the recommended version.
   */
  private static JsonObject withUpdate(JsonObject agent, String version,
      java.util.Optional<com.pmsrelay.cloud.store.AgentStateStore.AgentState> state,
      com.pmsrelay.cloud.store.AgentStateStore.VersionPolicy policy) {
    state.ifPresent(st -> {
      agent.put("address", st.address());
      if (st.updateState() != null) {
        agent.put("update", new JsonObject().put("version", st.updateVersion()).put("state", st.updateState())
            .put("reason", st.updateReason()).put("at", java.time.Instant.ofEpochMilli(st.updateAtMs()).toString()));
      }
    });
    if (version != null && policy.minimum() != null && com.pmsrelay.common.release.ReleaseVersion.older(version, policy.minimum())) {
      agent.put("versionNotice", "Your agent is version " + version + "; the relay requires at least " + policy.minimum()
          + " and refuses it until it is updated. Ask your IT provider to update it.");
    } else if (version != null && policy.recommended() != null
        && com.pmsrelay.common.release.ReleaseVersion.older(version, policy.recommended())) {
      agent.put("versionNotice", "Your agent is version " + version + "; version " + policy.recommended()
          + " or later is recommended.");
    }
    return agent;
  }

  /**
   * Moving to a new server: a new agent key, shown once, for the agent on the new server; the old
   * key is remembered as retired by the move, so the old server's agent is told it can be uninstalled.
   */
  private void move(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    own(ctx)
        .compose(practiceId -> parts.agentStates().move(practiceId, System.currentTimeMillis()))
        .compose(moved -> moved.isEmpty() ? Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such practice"))
            : parts.changes().publish(ChangeStore.AGENT_KEY, s.practiceId())
                .compose(v -> note(s, "practice.move", null, null))
                .map(v -> new JsonObject().put("agentKey", moved.get().agentKey())
                    .put("movedAt", java.time.Instant.ofEpochMilli(moved.get().movedAtMs()).toString())))
        .onComplete(reply(ctx));
  }

  /** Every integrator not blocked everywhere, with its grant at this practice (if any). */
  private Future<JsonObject> catalogue(String practiceId) {
    return Future.all(parts.integrators().list(), parts.grants().forPractice(practiceId)).map(all -> {
      List<Integrator> integrators = all.resultAt(0);
      Map<String, Grant> grants = ((List<Grant>) all.resultAt(1)).stream()
          .collect(Collectors.toMap(Grant::clientId, Function.identity()));
      JsonArray list = new JsonArray();
      for (Integrator i : integrators) {
        Grant g = grants.get(i.clientId());
        if (i.blocked() && g == null) {
          continue;
        }
        list.add(new JsonObject()
            .put("clientId", i.clientId())
            .put("name", i.name())
            .put("blockedEverywhere", i.blocked())
            .put("grant", g == null ? new JsonObject().put("status", "none") : g.toJson()));
      }
      return new JsonObject().put("integrations", list);
    });
  }

  private void setStatus(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    String clientId = ctx.pathParam("clientId");
    GrantStatus next = ConsoleRequests.status(ConsoleRequests.json(ctx));
    own(ctx)
        .compose(practiceId -> parts.integrators().find(clientId).compose(found -> found.isPresent()
            ? parts.grants().find(practiceId, clientId)
            : Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such integration"))))
        .compose(before -> {
          Grant after = before.map(g -> new Grant(g.practiceId(), g.clientId(), next, g.scopes(), g.maxRows(),
              g.maxTimeoutMs(), g.maxQueueTimeoutMs(), g.ratePerMinute(), g.weight()))
              .orElse(Grant.withDefaults(s.practiceId(), clientId, next));
          return parts.grants().put(after)
              .compose(v -> parts.changes().publish(ChangeStore.GRANT, s.practiceId() + "/" + clientId))
              .compose(v -> note(s, "grant." + next.wire(), before.map(Grant::toJson).orElse(null),
                  after.toJson().put("clientId", clientId)))
              .map(v -> after.toJson().put("clientId", clientId));
        })
        .onComplete(reply(ctx));
  }

  private void pairingCode(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    String clientId = ctx.pathParam("clientId");
    own(ctx)
        .compose(practiceId -> parts.integrators().find(clientId))
        .compose(found -> found.isPresent() && !found.get().blocked()
            ? parts.pairings().create(s.practiceId(), clientId, "console:" + s.username(), PAIRING_TTL_MS)
            : Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such integration")))
        .compose(code -> note(s, "pairing.create", null, new JsonObject().put("clientId", clientId))
            .map(v -> new JsonObject().put("pairingCode", code.code())
                .put("expiresAt", java.time.Instant.ofEpochMilli(code.expiresAtMs()).toString())))
        .onComplete(reply(ctx));
  }

  private void rotateAgentKey(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    own(ctx)
        .compose(practiceId -> parts.practices().rotateAgentKey(practiceId))
        .compose(key -> key.isEmpty() ? Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such practice"))
            : parts.changes().publish(ChangeStore.AGENT_KEY, s.practiceId())
                .compose(v -> note(s, "practice.rotate-key", null, null))
                .map(v -> new JsonObject().put("agentKey", key.get())))
        .onComplete(reply(ctx));
  }

  private void audit(RoutingContext ctx) {
    own(ctx)
        .compose(practiceId -> {
          Future<List<AuditRecord>> records = parts.audit().list(ConsoleRequests.auditQuery(ctx, practiceId, MAX_AUDIT_PAGE));
          Future<java.util.Optional<SignedHead>> signed = parts.audit().latestSignedHead(practiceId);
          return Future.all(records, signed).map(all -> {
            JsonArray list = new JsonArray();
            records.result().forEach(r -> list.add(r.toJson()));
            Long next = records.result().isEmpty() ? null : records.result().get(records.result().size() - 1).seq();
            return new JsonObject().put("records", list).put("before", next)
                .put("signedHead", signed.result().map(ConsoleApi::signedHeadJson).orElse(null));
          });
        })
        .onComplete(reply(ctx));
  }

  /**
   * The chain's latest signed head as the console shows it: where the log stood when the relay
   * signed it, with short fingerprints of the head and of the signing key to note down or compare,
   * and the whole signed statement for checking elsewhere.
   */
  static JsonObject signedHeadJson(SignedHead head) {
    return head.toJson()
        .put("headFingerprint", head.hash().substring(0, 16))
        .put("keyFingerprint", head.keyId());
  }

  /** The filtered audit log as a CSV download (newest first, at most {@link #MAX_CSV_RECORDS}). */
  private void auditCsv(RoutingContext ctx) {
    own(ctx)
        .compose(practiceId -> {
          AuditStore.Query q = ConsoleRequests.auditQuery(ctx, practiceId, MAX_AUDIT_PAGE);
          Future<List<AuditRecord>> records = parts.audit().list(new AuditStore.Query(q.chain(), q.fromMs(), q.toMs(),
              q.actor(), q.kind(), q.outcome(), q.beforeSeq(), MAX_CSV_RECORDS));
          Future<java.util.Optional<SignedHead>> signed = parts.audit().latestSignedHead(practiceId);
          return Future.all(records, signed).map(all -> ConsoleCsv.of(records.result(), signed.result().orElse(null)));
        })
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"audit-log.csv\"")
              .end(done.result());
        });
  }

  private void activity(RoutingContext ctx) {
    ConsoleActivity.Period period = ConsoleActivity.Period.parse(ctx.queryParams().get("period"));
    long from = period.from(System.currentTimeMillis());
    own(ctx)
        .compose(practiceId -> parts.audit().queryPoints(practiceId, from, ConsoleActivity.MAX_POINTS))
        .map(points -> ConsoleActivity.activity(period, from, points))
        .onComplete(reply(ctx));
  }

  private void topQueries(RoutingContext ctx) {
    ConsoleActivity.Period period = ConsoleActivity.Period.parse(ctx.queryParams().get("period"));
    long from = period.from(System.currentTimeMillis());
    own(ctx)
        .compose(practiceId -> parts.audit().topQueries(practiceId, from, TOP_QUERIES))
        .map(costs -> ConsoleActivity.topQueries(period, costs))
        .onComplete(reply(ctx));
  }

  private Future<Long> note(ConsoleSessionStore.Session s, String action, JsonObject before, JsonObject after) {
    return parts.audit().append(AuditRecord.admin(s.practiceId(), "console:" + s.username(), action, before, after));
  }

  static io.vertx.core.Handler<io.vertx.core.AsyncResult<JsonObject>> reply(RoutingContext ctx) {
    return done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(done.result().toBuffer());
      }
    };
  }

}
