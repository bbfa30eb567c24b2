package com.pmsrelay.cloud.http;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes RFC 9457 problem documents: the one place where failures become HTTP. Unexpected
 * exceptions are logged here and answered with a bare 500, never with their message.
 */
public final class Problems {
  public static final String TYPE_BASE = "https://pms-relay.dev/problems/";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  /** The routing context's key for the body limit of the route being served, named in a 413. */
  static final String BODY_LIMIT = "pmsrelay.bodyLimit";

  private Problems() {}

  public static void send(RoutingContext ctx, RelayException problem, String queryId) {
    write(ctx.response(), problem, queryId, null);
  }

  /**
   * {@code problem} with OAuth 2.0's {@code error} and {@code error_description} (RFC 6749, 5.2)
   * beside its fields: the token endpoint's failures ({@link TokenErrors}).
   */
  static void sendOAuth(RoutingContext ctx, RelayException problem, String error) {
    sendOAuth(ctx.response(), problem, error);
  }

  static void sendOAuth(HttpServerResponse response, RelayException problem, String error) {
    write(response, problem, null, new JsonObject().put("error", error).put("error_description", problem.detail()));
  }

  /**
   * Answers a request the HTTP codec could not read (the server's invalid-request handler, before
   * any router): 414 for a request line over the limit, 431 for headers over it, 400 for anything
   * else malformed. Vert.x closes the connection after this answer.
   */
  static void sendCodecError(HttpServerRequest request, boolean hsts) {
    Throwable cause = request.decoderResult().cause();
    RelayException problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new RelayException(ErrorCode.URI_TOO_LONG,
          "the request line is over " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = new RelayException(ErrorCode.HEADERS_TOO_LARGE,
          "the request headers are over " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
    } else {
      problem = new RelayException(ErrorCode.INVALID_REQUEST, "the request is not well-formed HTTP/1.1");
    }
    HttpServerResponse response = request.response();
    EdgeHeaders.apply(response, hsts);
    response.putHeader("Connection", "close");
    write(response, problem, null, null);
  }

  /** Writes {@code problem} to a response that no router handles (or before one does). */
  public static void send(HttpServerResponse response, RelayException problem, String queryId) {
    write(response, problem, queryId, null);
  }

  private static void write(HttpServerResponse response, RelayException problem, String queryId, JsonObject extra) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    ErrorCode code = problem.code();
    JsonObject body = body(problem, queryId);
    if (extra != null) {
      body.mergeIn(extra);
    }
    // A handler may have allowed caching (console files) before failing: a problem is never kept.
    response.setStatusCode(code.status()).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store");
    if (code == ErrorCode.INVALID_TOKEN || code == ErrorCode.INVALID_CLIENT) {
      response.putHeader("WWW-Authenticate", code == ErrorCode.INVALID_CLIENT
          ? "Basic realm=\"pms-relay\"" : "Bearer realm=\"pms-relay\", error=\"invalid_token\"");
      if (code == ErrorCode.INVALID_CLIENT) {
        response.headers().add("WWW-Authenticate", "Bearer realm=\"pms-relay\"");
      }
    }
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
    }
    response.end(body.toBuffer());
  }

  /** The problem document (RFC 9457) of {@code problem}. */
  public static JsonObject body(RelayException problem, String queryId) {
    ErrorCode code = problem.code();
    JsonObject body = new JsonObject()
        .put("type", TYPE_BASE + code.code())
        .put("title", code.title())
        .put("status", code.status())
        .put("detail", problem.detail())
        .put("code", code.code());
    if (queryId != null) {
      body.put("queryId", queryId);
    }
    return body;
  }

  public static void send(RoutingContext ctx, ErrorCode code, String detail) {
    send(ctx, new RelayException(code, detail), null);
  }

  /** The router's failure handler: every failure, thrown or by status, leaves as a problem. */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof RelayException problem) {
      send(ctx, problem, null);
      return;
    }
    send(ctx, fromStatus(ctx), null);
  }

  /**
   * The problem for a failure that is not a {@link RelayException}: by the status it was failed
   * with; anything unexpected is logged here and becomes a bare 500.
   */
  static RelayException fromStatus(RoutingContext ctx) {
    return switch (ctx.statusCode()) {
      case 400 -> new RelayException(ErrorCode.INVALID_REQUEST, "the request could not be read");
      case 404 -> new RelayException(ErrorCode.NOT_FOUND, "no such resource");
      case 405 -> new RelayException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this resource");
      case 406 -> new RelayException(ErrorCode.NOT_ACCEPTABLE, "no acceptable representation");
      case 413 -> new RelayException(ErrorCode.PAYLOAD_TOO_LARGE, ctx.get(BODY_LIMIT) instanceof Long limit
          ? "the request body is over the limit of " + limit + " bytes" : "the request body is over the limit");
      case 415 -> new RelayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
      default -> {
        LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
        yield new RelayException(ErrorCode.INTERNAL_ERROR, "an internal error occurred");
      }
    };
  }
}
