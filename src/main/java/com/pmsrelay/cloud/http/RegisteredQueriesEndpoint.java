package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.config.CloudConfig.QueryLimits;
import com.pmsrelay.cloud.registered.RegisteredQueries;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.RegisteredQuery;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code /v1/practices/{id}/registered-queries} and {@code /v1/registered-queries[/{id}]}: an
 * integrator registers a query (checked as an ordinary query is before anything is kept: its grant,
 * the SQL guard with the grant's scopes, one value per {@code ?}), reads and lists its own, and
 * removes one. A registration belongs to the integrator that made it: for any other it does not
 * exist (404 {@code registration_not_found}). Parameter values are never answered back (they may
 * be patient data; only their count is).
 */
final class RegisteredQueriesEndpoint {

  private final GrantStore grants;
  private final RegisteredQueries registered;
  private final QueryLimits limits;
  private final SqlGuard guard;

  RegisteredQueriesEndpoint(GrantStore grants, RegisteredQueries registered, QueryLimits limits, SqlGuard guard) {
    this.grants = grants;
    this.registered = registered;
    this.limits = limits;
    this.guard = guard;
  }

  void create(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    String registrationId = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    RegisteredBody[] body = new RegisteredBody[1];
    Future.succeededFuture()
        .map(v -> {
          body[0] = RegisteredBody.parse(Requests.jsonBody(ctx), limits.maxSqlChars(), registered.settings(), now);
          return Requests.practiceId(ctx);
        })
        .compose(practiceId -> PracticeCall.authorise(grants, practiceId, clientId, p -> { }))
        .compose(grant -> PracticeCall.checkStatement(ctx.vertx(), guard, new QueryRequest(registrationId,
                grant.practiceId(), clientId, body[0].sql(), body[0].params(), body[0].catalogue(), grant.maxTimeoutMs(),
                0, grant.maxRows(), registered.settings().maxResultBytes(), grant.weight(), grant.scopes(), 1))
            .map(checked -> grant))
        .compose(grant -> {
          RegisteredBody b = body[0];
          RegisteredQuery r = new RegisteredQuery(registrationId, clientId, grant.practiceId(), b.sql(),
              registered.sealParams(registrationId, b.params()), b.params().size(), b.catalogue(), b.everySeconds(),
              b.expiresAtMs(), now, null, null, null, null, 0, 0, null);
          return registered.store().insert(r, registered.settings().perIntegratorPerPractice(), now).map(inserted -> {
            if (!inserted) {
              throw new RelayException(ErrorCode.TOO_MANY_REGISTRATIONS, "this integration holds "
                  + registered.settings().perIntegratorPerPractice() + " registered queries at the practice already; "
                  + "delete one first");
            }
            return r;
          });
        })
        .onSuccess(r -> {
          registered.sync(r.practiceId());
          ctx.response().setStatusCode(201).putHeader("Location", "/v1/registered-queries/" + r.registrationId());
          Json.ok(ctx, json(r, GrantStatus.ENABLED, now));
        })
        .onFailure(ctx::fail);
  }

  void one(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    own(ctx, clientId)
        .compose(r -> grants.find(r.practiceId(), clientId).map(grant -> json(r,
            grant.map(Grant::status).orElse(GrantStatus.PENDING), System.currentTimeMillis())))
        .onSuccess(json -> Json.ok(ctx, json))
        .onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    Future.all(registered.store().ofClient(clientId), grants.visibleTo(clientId)).onSuccess(both -> {
      java.util.List<RegisteredQuery> mine = both.resultAt(0);
      java.util.List<GrantStore.Visible> visible = both.resultAt(1);
      Map<String, GrantStatus> statuses = visible.stream()
          .collect(Collectors.toMap(v -> v.practice().practiceId(), v -> v.grant().status(), (a, b) -> a));
      long now = System.currentTimeMillis();
      JsonArray list = new JsonArray();
      mine.forEach(r -> list.add(json(r, statuses.getOrDefault(r.practiceId(), GrantStatus.PENDING), now)));
      Json.ok(ctx, new JsonObject().put("registeredQueries", list));
    }).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    own(ctx, clientId)
        .compose(r -> registered.store().delete(r.registrationId(), clientId).map(deleted -> {
          if (!deleted) {
            throw notFound();
          }
          return r;
        }))
        .onSuccess(r -> {
          // The agent stops it at once: its set no longer holds it.
          registered.sync(r.practiceId());
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  /** The caller's registration named by the path; 404 for one of another integrator, as for none. */
  private Future<RegisteredQuery> own(RoutingContext ctx, String clientId) {
    String id = Requests.registrationId(ctx);
    if (id == null) {
      return Future.failedFuture(notFound());
    }
    return registered.store().find(id).map(found -> found.filter(r -> r.clientId().equals(clientId))
        .orElseThrow(RegisteredQueriesEndpoint::notFound));
  }

  private static RelayException notFound() {
    return new RelayException(ErrorCode.REGISTRATION_NOT_FOUND, "no such registered query");
  }

  static JsonObject json(RegisteredQuery r, GrantStatus grant, long nowMs) {
    return new JsonObject()
        .put("registrationId", r.registrationId())
        .put("practiceId", r.practiceId())
        .put("sql", r.sql())
        .put("paramsCount", r.paramsCount())
        .put("catalogue", r.catalogue())
        .put("everySeconds", r.everySeconds())
        .put("expiresAt", Instant.ofEpochMilli(r.expiresAtMs()).toString())
        .put("status", r.status(grant, nowMs))
        .put("createdAt", Instant.ofEpochMilli(r.createdAtMs()).toString())
        .put("lastRunAt", r.lastRunAtMs() == null ? null : Instant.ofEpochMilli(r.lastRunAtMs()).toString())
        .put("lastChangeAt", r.lastChangeAtMs() == null ? null : Instant.ofEpochMilli(r.lastChangeAtMs()).toString())
        .put("lastResultId", r.lastResultId());
  }
}
