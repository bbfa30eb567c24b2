package com.pmsrelay.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "3f2c9a4e-1b7d-4c55-9e0a-6d2f8b1c7e90", "pms.stream.abc-123", "a\"b", "back\\slash",
      "tab\there", "line\nbreak", "\u0000\u001f", "caf\u00e9", "\u2028", "emoji \ud83d\ude00", "lone \ud800 surrogate",
      "~ and \u007f"})
  void quotesAsJacksonDoes(String text) {
    assertThat(JsonText.quote(text)).isEqualTo(Json.encode(text));
  }

  @Test
  void anIdIsWrappedAsItIs() {
    String id = "3f2c9a4e-1b7d-4c55-9e0a-6d2f8b1c7e90";
    assertThat(JsonText.quote(id)).isEqualTo("\"" + id + "\"");
  }
}
