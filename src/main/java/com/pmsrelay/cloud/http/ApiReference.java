package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The integrator API's reference page at {@code /docs/}: Swagger UI (its WebJar, under
 * {@code /docs/lib/swagger-ui/}) rendering {@code /v1/openapi.json}. The page and its small
 * start-up script are resources of the jar ({@code reference/}); the same Content-Security-Policy
 * as the console's applies (this origin's scripts and styles only, no inline code, no framing).
 */
final class ApiReference {
  private ApiReference() {}

  static void mount(Router router) {
    router.route("/docs/*").handler(ConsoleStatic::securityHeaders);
    ConsoleStatic.redirectToFolder(router, "/docs");
    WebJar.mount(router, "/docs/lib/swagger-ui/", "org.webjars", "swagger-ui");
    router.route(HttpMethod.GET, "/docs/*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-cache");
      ctx.next();
    });
    router.route(HttpMethod.GET, "/docs/*").handler(StaticHandler.create("reference")
        .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(false).setIndexPage("index.html")
        .setSendVaryHeader(false));
  }
}
