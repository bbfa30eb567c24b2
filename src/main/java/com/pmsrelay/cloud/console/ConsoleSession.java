package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.ConsoleSessionStore;
import com.pmsrelay.common.crypto.Secrets;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's session check: a valid session cookie for every call, and for every call that
 * changes something the session's CSRF token in {@code X-CSRF-Token} (the cookie is also
 * SameSite=Strict). Puts the session in the context.
 */
final class ConsoleSession implements Handler<RoutingContext> {
  static final String COOKIE = "pmsrelay_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String KEY = "consoleSession";

  private final ConsoleSessionStore sessions;

  ConsoleSession(ConsoleSessionStore sessions) {
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null) {
      ctx.fail(new RelayException(ErrorCode.NOT_AUTHENTICATED, "please log in"));
      return;
    }
    sessions.find(cookie.getValue()).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result().isEmpty()) {
        ctx.fail(new RelayException(ErrorCode.NOT_AUTHENTICATED, "your session has ended; please log in"));
      } else if (changes(ctx.request().method())
          && !Secrets.constantTimeEquals(ctx.request().getHeader(CSRF_HEADER), found.result().get().csrfToken())) {
        ctx.fail(new RelayException(ErrorCode.CSRF_FAILED, "the request did not carry this session's CSRF token"));
      } else {
        ctx.put(KEY, found.result().get());
        ctx.next();
      }
    });
  }

  static ConsoleSessionStore.Session of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  static Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value).setPath("/console").setHttpOnly(true).setSecure(true)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds);
  }

  private static boolean changes(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }
}
