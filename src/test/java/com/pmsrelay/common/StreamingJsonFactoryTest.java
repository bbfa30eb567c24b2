package com.pmsrelay.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamingJsonFactoryTest {
  @Test
  void vertxUsesTheStreamingCodecAndItKeepsPlainData() {
    assertThat(Json.CODEC).isNotInstanceOf(DatabindCodec.class);
    JsonObject value = new JsonObject().put("n", 1).put("big", new BigDecimal("12345678901234567890.5"))
        .put("at", Instant.parse("2026-12-02T10:00:00Z")).put("nested", new JsonObject().put("list", new io.vertx.core.json.JsonArray().add(true).addNull()));
    assertThat(new JsonObject(value.encode())).isEqualTo(new JsonObject(
        "{\"n\":1,\"big\":12345678901234567890.5,\"at\":\"2026-12-02T10:00:00Z\",\"nested\":{\"list\":[true,null]}}"));
  }
}
