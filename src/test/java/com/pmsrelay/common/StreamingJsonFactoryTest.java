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

  /** 0.1 and 30-digit integers come back as written: a double would make them 0.1000000000000000055… and 1.2345678901234568E29. */
  @Test
  void numbersAreReadExactly() {
    JsonObject read = new JsonObject("{\"f\":0.1,\"big\":123456789012345678901234567890,\"e\":1.5e3,\"tiny\":1E-30,"
        + "\"i\":7,\"l\":9007199254740993,\"list\":[0.30000000000000004, 2.50]}");
    assertThat(read.getValue("f")).isEqualTo(new BigDecimal("0.1"));
    assertThat(read.getValue("big")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    assertThat(read.getValue("e")).isEqualTo(new BigDecimal("1.5e3"));
    assertThat(read.getValue("tiny")).isEqualTo(new BigDecimal("1E-30"));
    assertThat(read.getValue("i")).isEqualTo(7);
    assertThat(read.getValue("l")).isEqualTo(9007199254740993L);
    assertThat(read.getJsonArray("list").getValue(0)).isEqualTo(new BigDecimal("0.30000000000000004"));
    assertThat(read.getJsonArray("list").getValue(1)).isEqualTo(new BigDecimal("2.50"));
    // what Vert.x hands out as a double still works, and the text survives a round trip
    assertThat(read.getDouble("f")).isEqualTo(0.1);
    assertThat(new JsonObject(read.encode())).isEqualTo(read);
    assertThat(Json.decodeValue("[0.1]")).isEqualTo(new io.vertx.core.json.JsonArray().add(new BigDecimal("0.1")));
    assertThat(new JsonObject(io.vertx.core.buffer.Buffer.buffer("{\"f\":0.1}")).getValue("f")).isEqualTo(new BigDecimal("0.1"));
  }
}
