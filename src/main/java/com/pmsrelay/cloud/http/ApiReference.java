package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The integrator API's reference page at {@code /docs/}: Swagger UI (its WebJar, under
 * {@code /docs/lib/swagger-ui/}) rendering {@code /v1/openapi.json}. The page and its small
 * start-up script are resources of the jar ({@code reference/}); the same Content-Security-Policy
 * as the console's applies (this origin's scripts and styles only, no inline code, no framing).
 */
final class ApiReference {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  private ApiReference() {}

  static void mount(Router router) {
    router.route("/docs/*").handler(ConsoleStatic::securityHeaders);
    ConsoleStatic.redirectToFolder(router, "/docs");
    // Files only: a folder of the WebJar would be answered with its own index.html (the petstore demo page).
    router.getWithRegex("/docs/lib/.*/").handler(ctx -> ctx.fail(404));
    // The library changes only with its version (the pom's): a day in a browser's cache. Set here, since the
    // edge's no-store comes first and StaticHandler leaves it in place for files read from the classpath.
    router.route(HttpMethod.GET, "/docs/lib/swagger-ui/*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "public, max-age=86400");
      ctx.next();
    });
    router.route(HttpMethod.GET, "/docs/lib/swagger-ui/*").handler(StaticHandler.create(WEBJAR + swaggerUiVersion())
        .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.route(HttpMethod.GET, "/docs/*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-cache");
      ctx.next();
    });
    router.route(HttpMethod.GET, "/docs/*").handler(StaticHandler.create("reference")
        .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(false).setIndexPage("index.html")
        .setSendVaryHeader(false));
  }

  /** The WebJar's version, from its Maven metadata (so the pom alone decides it). */
  static String swaggerUiVersion() {
    try (InputStream in = ApiReference.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
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
