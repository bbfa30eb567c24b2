package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * A library the pages use, served from its WebJar on the class path, at the version the pom
 * decides (read from the WebJar's Maven metadata). Files only: a folder is 404, never the
 * library's own demo page. Cached a day in browsers (the edge's {@code no-store} comes first and
 * StaticHandler leaves it in place for class-path files, so the header is set here).
 */
final class WebJar {
  private WebJar() {}

  /** Serves {@code group:artifact}'s files under {@code path} (which ends with a slash). */
  static void mount(Router router, String path, String group, String artifact) {
    router.getWithRegex(java.util.regex.Pattern.quote(path) + ".*/").handler(ctx -> ctx.fail(404));
    router.route(HttpMethod.GET, path + "*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "public, max-age=86400");
      ctx.next();
    });
    router.route(HttpMethod.GET, path + "*").handler(
        StaticHandler.create("META-INF/resources/webjars/" + artifact + "/" + version(group, artifact))
            .setDirectoryListing(false).setIncludeHidden(false).setCachingEnabled(true).setMaxAgeSeconds(86_400));
  }

  /** The WebJar's version, from its Maven metadata ("missing" when it is not on the class path). */
  static String version(String group, String artifact) {
    try (InputStream in = WebJar.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
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
