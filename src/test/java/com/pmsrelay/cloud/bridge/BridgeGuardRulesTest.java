package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.Frame;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** BridgeGuard's rulings on result streams, frame by frame (BridgeGuardTest drives it over real sockets). */
class BridgeGuardRulesTest {

  private static BridgeGuard authenticated() {
    BridgeGuard guard = new BridgeGuard();
    assertThat(guard.check(Frame.decode(Frames.send(Addresses.AGENT_AUTH, new JsonObject()).toBuffer())))
        .isEqualTo(BridgeGuard.Verdict.AUTHENTICATE);
    guard.authenticated("practice-1");
    return guard;
  }

  private static Frame chunk(String stream) {
    Buffer frame = Frames.appendSend(Buffer.buffer(), stream, ResultMessage.error(3, ErrorCode.QUERY_TIMEOUT, "late"));
    return Frame.decode(frame.getBuffer(4, frame.length()));
  }

  @Test
  void aLateMessageToAnEndedStreamIsDroppedButANeverGivenAddressIsRefused() {
    BridgeGuard guard = authenticated();
    String given = Addresses.stream("q-1");
    guard.openStream(given);
    assertThat(guard.check(chunk(given))).isEqualTo(BridgeGuard.Verdict.STREAM);
    guard.closeStream(given); // its end went through, or the cloud cancelled it

    assertThat(guard.check(chunk(given))).isEqualTo(BridgeGuard.Verdict.LATE);
    assertThat(guard.check(chunk(Addresses.stream("q-never-given")))).isEqualTo(BridgeGuard.Verdict.REFUSE);
    assertThat(guard.refusal()).contains("not given");
  }

  @Test
  void onlyTheLastThousandEndedStreamsAreRemembered() {
    BridgeGuard guard = authenticated();
    for (int i = 0; i <= BridgeGuard.RECENTLY_CLOSED; i++) {
      guard.openStream(Addresses.stream("q-" + i));
      guard.closeStream(Addresses.stream("q-" + i));
    }
    assertThat(guard.check(chunk(Addresses.stream("q-" + BridgeGuard.RECENTLY_CLOSED)))).isEqualTo(BridgeGuard.Verdict.LATE);
    assertThat(guard.check(chunk(Addresses.stream("q-0")))).as("forgotten: refused like any unknown address")
        .isEqualTo(BridgeGuard.Verdict.REFUSE);
  }

  @Test
  void closingAStreamNeverOpenedRemembersNothing() {
    BridgeGuard guard = authenticated();
    guard.closeStream(Addresses.stream("q-guessed"));
    assertThat(guard.check(chunk(Addresses.stream("q-guessed")))).isEqualTo(BridgeGuard.Verdict.REFUSE);
  }
}
