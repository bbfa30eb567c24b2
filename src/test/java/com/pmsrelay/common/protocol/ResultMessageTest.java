package com.pmsrelay.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The result message's wire form: written by the agent, read by the cloud without decoding rows. */
class ResultMessageTest {
  private static final JsonArray COLUMNS = new JsonArray().add(new JsonObject().put("name", "N").put("type", "INTEGER"));

  private static Frame frame(String address, Buffer body) {
    Buffer frame = Frames.appendSend(Buffer.buffer(), address, body);
    assertThat(frame.getInt(0)).as("the length prefix").isEqualTo(frame.length() - 4);
    return Frame.decode(frame.getBuffer(4, frame.length()));
  }

  @Test
  void rowsPassThroughAsTheAgentEncodedThem() {
    Buffer rows = Buffer.buffer("[1,\"a\\nb\"],[2,null],[3,\"\u00e9\"]");
    Buffer body = ResultMessage.encode(0, COLUMNS.toBuffer(), rows, new ResultMessage.End(3, false, 1, 2));
    ResultMessage m = frame(Addresses.stream("q1"), body).result();

    assertThat(m.seq()).isZero();
    assertThat(new JsonArray(m.columns())).isEqualTo(COLUMNS);
    assertThat(m.rows().count()).isEqualTo(3);
    assertThat(m.rows().asArrayElements().toString()).isEqualTo(rows.toString());
    assertThat(m.rows().appendLines(Buffer.buffer()).toString())
        .isEqualTo("[1,\"a\\nb\"]\n[2,null]\n[3,\"\u00e9\"]\n");
    assertThat(m.rows().bytes()).isEqualTo(rows.length() - 2); // the commas are not rows
    assertThat(m.end()).isEqualTo(new ResultMessage.End(3, false, 1, 2));
    assertThat(m.isFinal()).isTrue();
    assertThat(m.encoded()).isEqualTo(body);
  }

  @Test
  void keptLinesBecomeArrayElementsOrLinesAgain() {
    Rows kept = Rows.ofLines("[1,\"a\"]\n[2,null]\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(kept.count()).isEqualTo(2);
    assertThat(kept.asArrayElements().toString()).isEqualTo("[1,\"a\"],[2,null]");
    assertThat(kept.appendLines(Buffer.buffer()).toString()).isEqualTo("[1,\"a\"]\n[2,null]\n");
    assertThat(kept.decode()).isEqualTo(new JsonArray("[[1,\"a\"],[2,null]]"));
  }

  @Test
  void errorsAndAcknowledgementsAreReadToo() {
    ResultMessage error = frame(Addresses.stream("q1"), ResultMessage.error(4, ErrorCode.ROW_TOO_LARGE, "too wide")).result();
    assertThat(error.error()).isEqualTo(new ResultMessage.Failure(ErrorCode.ROW_TOO_LARGE, "too wide"));
    assertThat(error.isFinal()).isTrue();
    ResultMessage ack = frame(Addresses.stream("q1"), ResultMessage.ack()).result();
    assertThat(ack.isAck()).isTrue();
    assertThat(ack.isFinal()).isFalse();
  }

  @Test
  void otherFramesKeepAJsonBody() {
    Frame auth = Frame.decode(Frames.send(Addresses.AGENT_AUTH, new JsonObject().put("practiceId", "p"), "r").toBuffer());
    assertThat(auth.type()).isEqualTo("send");
    assertThat(auth.replyAddress()).isEqualTo("r");
    assertThat(auth.body().getString("practiceId")).isEqualTo("p");
    assertThat(auth.result()).isNull();
  }

  @Test
  void aBodyBeforeItsAddressIsStillReadAsAResult() {
    Buffer reordered = Buffer.buffer("{\"body\":").appendBuffer(ResultMessage.ack())
        .appendString(",\"address\":\"" + Addresses.stream("q1") + "\",\"type\":\"send\"}");
    assertThat(Frame.decode(reordered).result().isAck()).isTrue();
  }

  @Test
  void malformedMessagesAreViolations() {
    for (String body : new String[] {
        "{\"rows\":[[1]]}",                      // no seq
        "{\"seq\":0,\"rows\":[1,2]}",            // a row that is not an array
        "{\"seq\":0,\"rows\":[[1\n,2]]}",       // fine JSON, but a line break in a row would split its NDJSON line
        "{\"seq\":0,\"rows\":[[1,]]}",           // not JSON
        "{\"seq\":\"0\"}"}) {
      Buffer frame = Buffer.buffer("{\"type\":\"send\",\"address\":\"" + Addresses.stream("q1") + "\",\"body\":" + body + "}");
      assertThatThrownBy(() -> Frame.decode(frame)).as(body).isInstanceOf(FrameReader.ViolationException.class);
    }
    assertThatThrownBy(() -> Frame.decode(Buffer.buffer("[1]"))).isInstanceOf(FrameReader.ViolationException.class);
    assertThatThrownBy(() -> Frame.decode(Buffer.buffer("{} {}"))).isInstanceOf(FrameReader.ViolationException.class);
  }
}
