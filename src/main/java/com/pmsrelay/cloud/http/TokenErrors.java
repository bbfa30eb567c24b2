package com.pmsrelay.cloud.http;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.ext.web.RoutingContext;

/**
 * Every failure of {@code POST /v1/token} also carries OAuth 2.0's {@code error} and
 * {@code error_description} (RFC 6749, 5.2) beside the problem fields, because OAuth client
 * libraries read those and not {@code code}. The problem code stays the contract's; the OAuth
 * error says the same in OAuth's words:
 *
 * <ul>
 *   <li>{@code invalid_client}: unknown client, wrong secret, blocked client, bad Basic header (401);</li>
 *   <li>{@code unsupported_grant_type}: a grant_type other than client_credentials (400);</li>
 *   <li>{@code invalid_request}: no grant_type, a body that is not a form, too large, unreadable (400, 413, 415);</li>
 *   <li>{@code temporarily_unavailable}: throttled after failed attempts (429) or the node is shutting
 *       down (503). RFC 6749 defines no token-endpoint code for this; {@code temporarily_unavailable}
 *       (4.1.2.1) is the one OAuth clients take as "retry later", and {@code invalid_client} would
 *       tell a client with the right secret that its secret is wrong (the throttle answers before
 *       any secret is checked). {@code Retry-After} says when;</li>
 *   <li>{@code server_error}: anything else (500).</li>
 * </ul>
 */
final class TokenErrors {
  static final String INVALID_REQUEST = "invalid_request";
  static final String INVALID_CLIENT = "invalid_client";
  static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
  static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";
  static final String SERVER_ERROR = "server_error";

  private TokenErrors() {}

  /** A token request's failure whose OAuth error is not the default for its problem code. */
  static final class Failure extends RuntimeException {
    final RelayException problem;
    final String error;

    Failure(RelayException problem, String error) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
      this.error = error;
    }
  }

  /** The failure handler of the token route: the problem, with OAuth's fields beside it. */
  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Failure f) {
      Problems.sendOAuth(ctx, f.problem, f.error);
      return;
    }
    if (failure instanceof RelayException problem) {
      Problems.sendOAuth(ctx, problem, errorFor(problem.code()));
      return;
    }
    RelayException problem = Problems.fromStatus(ctx);
    Problems.sendOAuth(ctx, problem, errorFor(problem.code()));
  }

  /** The OAuth error for a problem code (RFC 6749 5.2, 4.1.2.1). */
  static String errorFor(ErrorCode code) {
    return switch (code) {
      case INVALID_CLIENT -> INVALID_CLIENT;
      case RATE_LIMITED, SHUTTING_DOWN -> TEMPORARILY_UNAVAILABLE;
      case INTERNAL_ERROR -> SERVER_ERROR;
      default -> code.status() >= 500 ? SERVER_ERROR : INVALID_REQUEST;
    };
  }
}
