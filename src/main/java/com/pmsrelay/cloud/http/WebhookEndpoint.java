package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.webhook.Delivery;
import com.pmsrelay.cloud.webhook.WebhookStore;
import com.pmsrelay.cloud.webhook.Webhooks;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * {@code /v1/webhook}: the integrator's own endpoint for change notices. PUT sets it and answers a
 * new signing secret, once (a second PUT rotates it: the old secret signs nothing from then on);
 * GET answers it without the secret; DELETE removes it and drops the notices not yet delivered;
 * {@code GET /v1/webhook/deliveries} lists the recent notices and how their delivery went. The
 * URL passes the SSRF guard ({@link com.pmsrelay.cloud.webhook.WebhookTarget}) before it is kept.
 * Setting, rotating and deleting are audited, with the URL's scheme, host and path (not its query,
 * which may carry a token) and never the secret.
 */
final class WebhookEndpoint {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  /** Sets, rotations and deletes an integrator may make per minute: each costs a lookup, a write and an audit record. */
  static final int CHANGES_PER_MINUTE = 10;

  private final Vertx vertx;
  private final Webhooks webhooks;
  private final AuditStore audit;
  private final com.pmsrelay.cloud.dispatch.RateLimiter rates;

  WebhookEndpoint(Vertx vertx, Webhooks webhooks, AuditStore audit, com.pmsrelay.cloud.dispatch.RateLimiter rates) {
    this.vertx = vertx;
    this.webhooks = webhooks;
    this.audit = audit;
    this.rates = rates;
  }

  private void limitChanges(String clientId) {
    int wait = rates.take(clientId, "webhook", CHANGES_PER_MINUTE);
    if (wait > 0) {
      throw new RelayException(ErrorCode.RATE_LIMITED, "too many webhook changes", wait);
    }
  }

  void put(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    JsonObject body = Requests.jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!field.equals("url")) {
        throw new RelayException(ErrorCode.INVALID_REQUEST, "unknown field '" + field + "'");
      }
    }
    if (!(body.getValue("url") instanceof String url) || url.isBlank()) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'url' is required, a string");
    }
    limitChanges(clientId);
    webhooks.target().check(vertx, url)
        .compose(checked -> webhooks.store().put(clientId, url, System.currentTimeMillis()))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          WebhookStore.Setting set = done.result();
          audit.append(AuditRecord.admin(AuditRecord.NO_PRACTICE, clientId,
              set.before().isPresent() ? "webhook.rotate" : "webhook.set",
              set.before().map(WebhookEndpoint::audited).orElse(null), audited(set.webhook())));
          Json.ok(ctx, view(set.webhook()).put("secret", set.secret()));
        });
  }

  void get(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    webhooks.store().find(clientId).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result().isEmpty()) {
        Problems.send(ctx, ErrorCode.WEBHOOK_NOT_SET, "no webhook is set: PUT /v1/webhook {\"url\"} sets one");
      } else {
        Json.ok(ctx, view(done.result().get()));
      }
    });
  }

  void delete(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    limitChanges(clientId);
    webhooks.store().delete(clientId, System.currentTimeMillis()).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result().isEmpty()) {
        Problems.send(ctx, ErrorCode.WEBHOOK_NOT_SET, "no webhook is set");
      } else {
        audit.append(AuditRecord.admin(AuditRecord.NO_PRACTICE, clientId, "webhook.delete",
            audited(done.result().get()), null));
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  void deliveries(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    int limit = (int) Requests.longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    webhooks.store().recent(clientId, limit).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      JsonArray list = new JsonArray();
      for (Delivery d : done.result()) {
        list.add(d.toJson());
      }
      Json.ok(ctx, new JsonObject().put("deliveries", list));
    });
  }

  private static JsonObject view(WebhookStore.Webhook hook) {
    return new JsonObject()
        .put("url", hook.url())
        .put("createdAt", Instant.ofEpochMilli(hook.createdAtMs()).toString())
        .put("secretSetAt", Instant.ofEpochMilli(hook.secretSetAtMs()).toString());
  }

  /** What the audit log keeps of a webhook: the URL without its query (a token may ride there), when its secret was set. */
  private static JsonObject audited(WebhookStore.Webhook hook) {
    String url = hook.url();
    int cut = url.indexOf('?');
    return new JsonObject().put("url", cut < 0 ? url : url.substring(0, cut) + "?…")
        .put("secretSetAt", Instant.ofEpochMilli(hook.secretSetAtMs()).toString());
  }
}
