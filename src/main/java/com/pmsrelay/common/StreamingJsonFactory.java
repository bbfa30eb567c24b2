package com.pmsrelay.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Vert.x's JSON through jackson-core's streaming codec rather than jackson-databind's object
 * mapper, which Vert.x picks whenever databind is on the classpath (Flyway brings it). Everything
 * the relay reads and writes as JSON is plain data (objects, arrays, strings, numbers), which the
 * streaming codec handles; databind's map serializer cost a fifth of the relay's CPU per query in
 * the throughput benchmark's profile (BENCHMARKS.md). Registered in META-INF/services.
 *
 * <p>Numbers are read exactly: a number with a fraction or an exponent becomes a
 * {@link BigDecimal}, never a {@code double} (Jackson's default), and an integer beyond a long a
 * {@link java.math.BigInteger}. An integrator's {@code 0.1} or 30-digit parameter reaches the
 * database as written, through the cloud, the cluster's event bus and the agent's link, which all
 * read JSON here. Writing is Jackson's: a BigDecimal as its {@code toString()} (an exponent where
 * it has one), read back to the same value.
 */
public final class StreamingJsonFactory implements JsonFactory {
  private static final JsonCodec CODEC = new ExactCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }

  /** Jackson's streaming codec, reading numbers with fractions or exponents as BigDecimal. */
  static final class ExactCodec extends JacksonCodec {
    @Override
    public <T> T fromString(String json, Class<T> clazz) throws DecodeException {
      return fromParser(new ExactNumbers(createParser(json)), clazz);
    }

    @Override
    public <T> T fromBuffer(Buffer json, Class<T> clazz) throws DecodeException {
      return fromParser(new ExactNumbers(createParser(json)), clazz);
    }

    @Override
    public Object fromString(String str) throws DecodeException {
      return fromString(str, Object.class);
    }

    @Override
    public Object fromBuffer(Buffer buf) throws DecodeException {
      return fromBuffer(buf, Object.class);
    }
  }

  /** A parser whose floating-point numbers are BigDecimals: the codec asks it for getNumberValue(). */
  private static final class ExactNumbers extends JsonParserDelegate {
    ExactNumbers(JsonParser parser) {
      super(parser);
    }

    @Override
    public Number getNumberValue() throws IOException {
      return currentToken() == JsonToken.VALUE_NUMBER_FLOAT ? getDecimalValue() : super.getNumberValue();
    }
  }
}
