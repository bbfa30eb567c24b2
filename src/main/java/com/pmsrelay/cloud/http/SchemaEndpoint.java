package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.cloud.schema.SchemaCache;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.guard.TableScopes;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/practices/{id}/schema[?catalogue=…]}: the tables and views the grant's scopes let
 * the integrator read, with their columns and primary keys. Checked like a query (the grant, the
 * rate, which it shares with the grant's queries), read by the agent or from the node's
 * {@link SchemaCache}, narrowed to the scopes by the SQL guard's own rule ({@link TableScopes}),
 * and audited as one attempt of kind {@code schema}, whatever its outcome.
 */
final class SchemaEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaEndpoint.class);
  /** SQL Server's longest name (a catalogue is a database). */
  static final int MAX_CATALOGUE_CHARS = 128;

  private final GrantStore grants;
  private final RateLimiter rateLimiter;
  private final AuditStore audit;
  private final SchemaCache schemas;
  /** Set when the node begins to shut down: new requests get 503, as queries do. */
  private volatile boolean draining;

  SchemaEndpoint(GrantStore grants, RateLimiter rateLimiter, AuditStore audit, SchemaCache schemas) {
    this.grants = grants;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.schemas = schemas;
  }

  /** What is known of one request as it goes, for its answer and its audit record. */
  private static final class Attempt {
    final String requestId = UUID.randomUUID().toString();
    final String clientId;
    String chain = AuditRecord.NO_PRACTICE;
    String catalogue;
    Grant grant;

    Attempt(String clientId) {
      this.clientId = clientId;
    }
  }

  void get(RoutingContext ctx) {
    Attempt attempt = new Attempt(BearerAuth.clientId(ctx));
    Future.succeededFuture()
        .map(v -> {
          if (draining) {
            throw new RelayException(ErrorCode.SHUTTING_DOWN, "this node is shutting down; retry", 1);
          }
          attempt.catalogue = catalogue(ctx);
          return Requests.practiceId(ctx);
        })
        .compose(practiceId -> PracticeCall.authorise(grants, practiceId, attempt.clientId, p -> attempt.chain = p))
        .compose(grant -> {
          attempt.grant = grant;
          int wait = rateLimiter.take(attempt.clientId, grant.practiceId(), grant.ratePerMinute());
          if (wait > 0) {
            throw new RelayException(ErrorCode.RATE_LIMITED,
                "more than " + grant.ratePerMinute() + " queries a minute to this practice", wait);
          }
          return schemas.lookup(new SchemaCache.Asker(grant.practiceId(), attempt.clientId, grant.weight(),
              grant.maxTimeoutMs(), grant.maxQueueTimeoutMs()), attempt.catalogue);
        })
        .onComplete(done -> {
          if (done.succeeded()) {
            TableScopes scopes = TableScopes.of(attempt.grant.scopes().stream().map(String::valueOf).toList());
            Json.ok(ctx, done.result().schema().answer(scopes));
            record(attempt, "succeeded", (long) done.result().schema().count(scopes), done.result().cached());
            return;
          }
          RelayException problem = asProblem(done.cause());
          if (!ctx.response().ended() && !ctx.response().closed()) {
            Problems.send(ctx, problem, null);
          }
          record(attempt, problem.code().code(), null, null);
        });
  }

  /** Refuses new requests from now on (any thread). */
  void refuseNew() {
    draining = true;
  }

  /**
   * The {@code catalogue} query parameter (null: the agent's default). The only parameter there
   * is: any other is refused, so that a misspelt one is not silently ignored.
   */
  private static String catalogue(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (!name.equals("catalogue")) {
        throw new RelayException(ErrorCode.INVALID_REQUEST, "unknown query parameter; the only one is 'catalogue'");
      }
    }
    List<String> values = ctx.queryParams().getAll("catalogue");
    if (values.isEmpty()) {
      return null;
    }
    String value = values.get(0);
    if (values.size() > 1 || value.isBlank() || value.length() > MAX_CATALOGUE_CHARS) {
      throw new RelayException(ErrorCode.INVALID_REQUEST,
          "'catalogue' names one database, in 1 to " + MAX_CATALOGUE_CHARS + " characters");
    }
    return value;
  }

  private static RelayException asProblem(Throwable cause) {
    if (cause instanceof RelayException problem) {
      return problem;
    }
    LOG.error("schema request failed unexpectedly", cause);
    return new RelayException(ErrorCode.INTERNAL_ERROR, "an internal error occurred");
  }

  private void record(Attempt attempt, String outcome, Long tables, Boolean cached) {
    audit.append(AuditRecord.schema(attempt.chain, attempt.clientId, outcome, attempt.requestId, attempt.catalogue, tables,
        cached)).onFailure(e -> LOG.error("could not write the audit record of schema request {}", attempt.requestId, e));
  }
}
