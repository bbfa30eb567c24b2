package com.pmsrelay.common.protocol;

import io.vertx.core.json.Json;

/** JSON string literals for the hand-written parts of the wire formats, without a generator per string. */
public final class JsonText {
  private JsonText() {}

  /**
   * {@code text} as a JSON string literal, exactly as {@link Json#encode} writes it. Ids and
   * addresses (printable ASCII without quotes or backslashes) are wrapped as they are; anything
   * else goes through Jackson.
   */
  public static String quote(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return Json.encode(text);
      }
    }
    return '"' + text + '"';
  }
}
