package com.pmsrelay.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Reading one frame from an agent: its fields, and its body as JSON where it is not a result message. */
class FrameTest {
  private static Frame decode(String json) {
    return Frame.decode(Buffer.buffer(json));
  }

  @Test
  void aPingsBodyIsReadAsJson() {
    Buffer encoded = Frames.encode(Frames.ping(3, 1));
    Frame ping = Frame.decode(encoded.getBuffer(4, encoded.length())); // the frame without its length
    assertThat(ping.type()).isEqualTo("ping");
    assertThat(ping.body()).isEqualTo(new JsonObject().put("queued", 3).put("running", 1));
    assertThat(ping.result()).isNull();
  }

  @Test
  void aBodyAnywhereInTheFrameIsReadWhole() {
    JsonObject body = new JsonObject().put("practiceId", "p-1").put("pms", new JsonObject().put("kind", "sqlserver"))
        .put("list", new JsonArray().add(1).add("two").addNull()).put("text", "a \"quoted\" ü");
    Frame frame = decode("{\"body\":" + body.encode() + ",\"type\":\"send\",\"address\":\"pms.agent.auth\","
        + "\"replyAddress\":\"r\"}");
    assertThat(frame.body()).isEqualTo(body);
    assertThat(frame.address()).isEqualTo("pms.agent.auth");
    assertThat(frame.replyAddress()).isEqualTo("r");
  }

  @Test
  void aBodyThatIsNotAnObjectIsNoBody() {
    assertThat(decode("{\"type\":\"ping\",\"body\":[1,2]}").body()).isNull();
    assertThat(decode("{\"type\":\"ping\"}").body()).isNull();
  }

  @Test
  void aMalformedFrameIsAViolation() {
    assertThatThrownBy(() -> decode("{\"type\":\"ping\",\"body\":{\"queued\":}}"))
        .isInstanceOf(FrameReader.ViolationException.class);
    assertThatThrownBy(() -> decode("[1]")).isInstanceOf(FrameReader.ViolationException.class);
    assertThatThrownBy(() -> decode("{\"type\":\"ping\"} {}")).isInstanceOf(FrameReader.ViolationException.class);
  }
}
