package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.Integrator;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.RegisteredQuery;
import com.pmsrelay.cloud.store.RegisteredQueryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The console's list of the queries integrations registered at its own practice:
 * {@code GET /practices/{id}/registered-queries}, grouped by integration (by name), each with its
 * SQL, schedule, status, dates and run counts. The SQL text is shown (the audit log shows it too);
 * parameter values never are (they may be patient data; only their count is). Read-only: a
 * practice admin stops an integration's registrations by disabling or blocking it.
 */
final class ConsoleRegistered {
  private final RegisteredQueryStore registered;
  private final GrantStore grants;
  private final IntegratorStore integrators;

  ConsoleRegistered(RegisteredQueryStore registered, GrantStore grants, IntegratorStore integrators) {
    this.registered = registered;
    this.grants = grants;
    this.integrators = integrators;
  }

  void routes(Router api) {
    api.get("/practices/:practiceId/registered-queries").handler(ctx -> ConsoleApi.own(ctx)
        .compose(this::list)
        .onComplete(ConsoleApi.reply(ctx)));
  }

  private Future<JsonObject> list(String practiceId) {
    return Future.all(registered.ofPractice(practiceId), grants.forPractice(practiceId)).compose(both -> {
      List<RegisteredQuery> all = both.resultAt(0);
      Map<String, Grant> byClient = ((List<Grant>) both.resultAt(1)).stream()
          .collect(Collectors.toMap(Grant::clientId, Function.identity()));
      Map<String, List<RegisteredQuery>> byIntegration = new LinkedHashMap<>();
      all.forEach(r -> byIntegration.computeIfAbsent(r.clientId(), k -> new java.util.ArrayList<>()).add(r));
      List<String> clients = List.copyOf(byIntegration.keySet());
      return Future.all(clients.stream().map(integrators::find).toList()).map(found -> {
        long now = System.currentTimeMillis();
        List<JsonObject> groups = new java.util.ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
          String clientId = clients.get(i);
          Optional<Integrator> integrator = found.resultAt(i);
          Grant grant = byClient.get(clientId);
          GrantStatus status = grant == null ? GrantStatus.PENDING : grant.status();
          JsonArray list = new JsonArray();
          byIntegration.get(clientId).forEach(r -> list.add(json(r, status, now)));
          groups.add(new JsonObject()
              .put("clientId", clientId)
              .put("name", integrator.map(Integrator::name).orElse(clientId))
              .put("grantStatus", status.wire())
              .put("registeredQueries", list));
        }
        groups.sort(java.util.Comparator.comparing((JsonObject g) -> g.getString("name"), String.CASE_INSENSITIVE_ORDER)
            .thenComparing(g -> g.getString("clientId")));
        return new JsonObject().put("integrations", new JsonArray(groups));
      });
    });
  }

  /** One registration as the practice admin sees it: never its parameter values. */
  static JsonObject json(RegisteredQuery r, GrantStatus grant, long nowMs) {
    return new JsonObject()
        .put("registrationId", r.registrationId())
        .put("sql", r.sql())
        .put("paramsCount", r.paramsCount())
        .put("catalogue", r.catalogue())
        .put("everySeconds", r.everySeconds())
        .put("status", r.status(grant, nowMs))
        .put("createdAt", instant(r.createdAtMs()))
        .put("expiresAt", instant(r.expiresAtMs()))
        .put("lastRunAt", instant(r.lastRunAtMs()))
        .put("lastChangeAt", instant(r.lastChangeAtMs()))
        .put("runs", r.runs())
        .put("changes", r.changes());
  }

  private static String instant(Long ms) {
    return ms == null ? null : Instant.ofEpochMilli(ms).toString();
  }
}
