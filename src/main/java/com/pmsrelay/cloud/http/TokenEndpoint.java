package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.edge.ClientAddress;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.throttle.FailureThrottle;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code POST /v1/token}: OAuth 2.0 client credentials, in the form body or by HTTP Basic. Failed
 * attempts slow their source down ({@link FailureThrottle}, per client id and per address): an
 * attempt made while it must wait gets 429 {@code rate_limited} with {@code Retry-After} before
 * any hash or store access, even with the right secret. The source address is the client's
 * ({@link ClientAddress}: behind a trusted proxy, the one it forwards), for the throttle and the monitor alike.
 * Every failure also carries OAuth's {@code error} and {@code error_description} ({@link TokenErrors}).
 */
final class TokenEndpoint {
  private final TokenService tokens;
  private final IntegratorStore integrators;
  private final FailureThrottle throttle;
  private final ClientAddress clients;

  TokenEndpoint(TokenService tokens, IntegratorStore integrators, FailureThrottle throttle, ClientAddress clients) {
    this.tokens = tokens;
    this.integrators = integrators;
    this.throttle = throttle;
    this.clients = clients;
  }

  void handle(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String grantType = form.get("grant_type");
    if (grantType == null) {
      throw new RelayException(ErrorCode.INVALID_REQUEST,
          "grant_type is required, in a form-encoded body (application/x-www-form-urlencoded)");
    }
    if (!"client_credentials".equals(grantType)) {
      throw new TokenErrors.Failure(new RelayException(ErrorCode.INVALID_REQUEST,
          "grant_type must be client_credentials"), TokenErrors.UNSUPPORTED_GRANT_TYPE);
    }
    String clientId = form.get("client_id");
    String secret = form.get("client_secret");
    String basic = ctx.request().getHeader("Authorization");
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String[] pair = decodeBasic(basic.substring(6).trim());
      if (pair == null) {
        throw new RelayException(ErrorCode.INVALID_CLIENT, "unknown client or wrong secret");
      }
      clientId = pair[0];
      secret = pair[1];
    }
    if (clientId == null || secret == null || clientId.length() > 128 || secret.length() > 512) {
      throw new RelayException(ErrorCode.INVALID_CLIENT, "unknown client or wrong secret");
    }
    String client = clientId;
    String host = clients.of(ctx.request());
    String address = FailureThrottle.addressKey(host);
    long waitMs = throttle.admit(client, address);
    if (waitMs > 0) {
      // Still a failed request to the monitor: a flood must trip its rule, whatever the throttle refuses.
      tellMonitor(ctx, client, host);
      int retryAfter = FailureThrottle.retryAfterSeconds(waitMs);
      throttle.hold(ctx.vertx(), waitMs).onComplete(held -> {
        if (!ctx.response().closed()) {
          ctx.fail(new RelayException(ErrorCode.RATE_LIMITED,
              "too many failed attempts: retry after " + retryAfter + " s", retryAfter));
        }
      });
      return;
    }
    integrators.authenticate(clientId, secret).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause()); // the store's failure, not the client's: not counted
      } else if (result.result().isEmpty() || result.result().get().blocked()) {
        tellMonitor(ctx, client, host);
        throttle.failed(client, address); // a blocked client's loop is slowed down like a wrong secret's
        ctx.fail(new RelayException(ErrorCode.INVALID_CLIENT, "unknown client or wrong secret"));
      } else {
        throttle.succeeded(client, address);
        ctx.response()
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject()
                .put("access_token", tokens.issue(result.result().get().clientId()))
                .put("token_type", "Bearer")
                .put("expires_in", tokens.ttlSeconds())
                .toBuffer());
      }
    });
  }

  /** Tells the node's suspicious-activity monitor (if any) of a failed token request for {@code clientId} from {@code host}. */
  private static void tellMonitor(RoutingContext ctx, String clientId, String host) {
    ctx.vertx().eventBus().send(Addresses.MONITOR_TOKEN_FAILED, new JsonObject().put("clientId", clientId)
        .put("address", host), LOCAL);
  }

  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  private static String[] decodeBasic(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
      return new String[] {
          java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
