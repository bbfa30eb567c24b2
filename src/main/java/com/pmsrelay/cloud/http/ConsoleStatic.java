package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Serves the practice admins' console: the static files packaged from {@code web-console/} under
 * {@code /console/}, and uPlot (its WebJar) under {@code /console/lib/uplot/}. Every console
 * response carries a Content-Security-Policy that allows only this origin's scripts and styles
 * (no inline code), and may not be framed.
 */
final class ConsoleStatic {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  private static final String WEBJAR = "META-INF/resources/webjars/uplot/";

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
    // The library's path carries its version, so it may be cached for long.
    router.route(HttpMethod.GET, "/console/lib/uplot/*").handler(StaticHandler.create(WEBJAR + uplotVersion())
        .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(true).setMaxAgeSeconds(86_400));
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

  /** The WebJar's version, from its Maven metadata (so the pom alone decides it). */
  static String uplotVersion() {
    try (InputStream in = ConsoleStatic.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "missing");
    } catch (IOException e) {
      return "missing";
    }
  }
}
