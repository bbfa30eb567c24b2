package com.pmsrelay.cloud.http;

import io.vertx.core.http.HttpServerResponse;

/**
 * Headers every answer of the API carries, whoever writes it (the router's handlers, the problem
 * writer, the codec's errors): answers hold patient data and tokens, so no cache keeps them
 * (the console's static files set their own caching after this), and with TLS, browsers are told
 * to use nothing else.
 */
final class EdgeHeaders {
  /** One year, the usual HSTS lifetime; no includeSubDomains: the operator's other hosts are not ours to pin. */
  static final String HSTS = "max-age=31536000";

  private EdgeHeaders() {}

  static void apply(HttpServerResponse response, boolean hsts) {
    response.putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
    if (hsts) {
      response.putHeader("Strict-Transport-Security", HSTS);
    }
  }
}
