package com.pmsrelay.common;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON through jackson-core's streaming codec rather than jackson-databind's object
 * mapper, which Vert.x picks whenever databind is on the classpath (Flyway brings it). Everything
 * the relay reads and writes as JSON is plain data (objects, arrays, strings, numbers), which the
 * streaming codec handles; databind's map serializer cost a fifth of the relay's CPU per query in
 * the throughput benchmark's profile (BENCHMARKS.md). Registered in META-INF/services.
 */
public final class StreamingJsonFactory implements JsonFactory {
  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
