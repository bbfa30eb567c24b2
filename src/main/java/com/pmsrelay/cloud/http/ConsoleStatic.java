package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the practice admins' console: the static files packaged from {@code web-console/} under
 * {@code /console/}, and uPlot ({@link WebJar}) under {@code /console/lib/uplot/}. Every console
 * response carries a Content-Security-Policy that allows only this origin's scripts and styles
 * (no inline code), and may not be framed.
 */
final class ConsoleStatic {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private ConsoleStatic() {}

  /**
   * {@code page} without its slash would resolve the page's relative URLs against "/": redirected to
   * {@code page + "/"}. (The router matches {@code page + "/"} to this route too, hence the exact check.)
   */
  static void redirectToFolder(Router router, String page) {
    router.get(page).handler(ctx -> {
      if (ctx.request().path().equals(page)) {
        ctx.redirect(page + "/");
      } else {
        ctx.next();
      }
    });
  }

  static void mount(Router router) {
    router.route("/console/*").handler(ConsoleStatic::securityHeaders);
    redirectToFolder(router, "/console");
    WebJar.mount(router, "/console/lib/uplot/", "org.webjars.npm", "uplot");
    // The console's own files change with each release under the same names: revalidate every time.
    router.route(HttpMethod.GET, "/console/*").handler(ctx -> {
      if (!ctx.request().path().startsWith("/console/api/")) {
        ctx.response().putHeader("Cache-Control", "no-cache");
      }
      ctx.next();
    });
    router.route(HttpMethod.GET, "/console/*").handler(StaticHandler.create("console")
        .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(false).setIndexPage("index.html")
        .setSendVaryHeader(false));
  }

  static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
