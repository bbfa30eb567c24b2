package com.pmsrelay.cloud.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.1 description of the integrator API, a resource of
 * the jar ({@link #RESOURCE}), open to anyone. It changes only with a release, so it may be cached
 * but must be revalidated: {@code Cache-Control: no-cache} with an {@code ETag} (a hash of its
 * bytes), and 304 for a matching {@code If-None-Match}. Read once per instance, off the event loop
 * (Vert.x's file system resolves classpath resources).
 */
final class ApiDescription {
  static final String RESOURCE = "api/v1/openapi.json";

  private final Vertx vertx;
  private Future<Document> document;

  private record Document(Buffer bytes, String etag) {}

  ApiDescription(Vertx vertx) {
    this.vertx = vertx;
  }

  void handle(RoutingContext ctx) {
    if (document == null || document.failed()) {
      document = vertx.fileSystem().readFile(RESOURCE).map(bytes -> new Document(bytes, etag(bytes)));
    }
    document.onComplete(read -> {
      if (read.failed()) {
        ctx.fail(read.cause()); // a jar without its description: logged and answered 500 by Problems
        return;
      }
      Document d = read.result();
      ctx.response().putHeader("Cache-Control", "no-cache").putHeader("ETag", d.etag());
      String match = ctx.request().getHeader("If-None-Match");
      if (match != null && (match.equals(d.etag()) || match.equals("*"))) {
        ctx.response().setStatusCode(304).end();
      } else {
        ctx.response().putHeader("Content-Type", "application/json").end(d.bytes());
      }
    });
  }

  private static String etag(Buffer bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes.getBytes());
      return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
