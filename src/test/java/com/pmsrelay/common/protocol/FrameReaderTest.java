package com.pmsrelay.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final FrameReader reader = FrameReader.ofJson(1024, frames::add, violations::add);

  @Test
  void splitsFramesAcrossAndWithinBuffers() {
    Buffer two = Frames.encode(Frames.ping()).appendBuffer(Frames.encode(Frames.pong()));
    reader.handle(two.slice(0, 3));
    reader.handle(two.slice(3, 10));
    reader.handle(two.slice(10, two.length()));
    assertThat(frames).extracting(f -> f.getString("type")).containsExactly("ping", "pong");
    assertThat(violations).isEmpty();
  }

  @Test
  void refusesAnOversizedFrameFromItsHeaderAlone() {
    reader.handle(Buffer.buffer().appendInt(1025));
    assertThat(violations).singleElement().asString().contains("exceeds");
    reader.handle(Frames.encode(Frames.ping()));
    assertThat(frames).as("nothing is read after a violation").isEmpty();
  }

  @Test
  void readsFramesFedOneByteAtATimeAndRefusesALengthSplitAcrossReads() {
    Buffer frames = Frames.encode(Frames.ping()).appendBuffer(Frames.encode(Frames.pong()));
    for (int i = 0; i < frames.length(); i++) {
      reader.handle(frames.slice(i, i + 1));
    }
    assertThat(this.frames).extracting(f -> f.getString("type")).containsExactly("ping", "pong");
    Buffer tooLong = Buffer.buffer().appendInt(1 << 20);
    reader.handle(tooLong.slice(0, 2));
    assertThat(violations).isEmpty();
    reader.handle(tooLong.slice(2, 4));
    assertThat(violations).singleElement().asString().contains("exceeds");
  }

  @Test
  void refusesNonJsonAndNonObjects() {
    reader.handle(Buffer.buffer().appendInt(3).appendString("[1]"));
    assertThat(violations).hasSize(1);
    assertThat(frames).isEmpty();
  }
}
