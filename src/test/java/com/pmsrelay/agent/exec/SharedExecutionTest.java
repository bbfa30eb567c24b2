package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedExecutionTest {
  private static final long DEADLINE = Long.MAX_VALUE;

  private static Outgoing columnsAndRows(long seq) {
    return new Outgoing(ResultMessage.encode(seq, seq == 0 ? Buffer.buffer("[]") : null, Buffer.buffer("[1]"), null), true, false);
  }

  private static Outgoing end(long seq) {
    return new Outgoing(ResultMessage.encode(seq, null, null, new ResultMessage.End(0, false, 0, 0)), false, true);
  }

  /** A sink with {@code credit}, recording what reaches it. */
  private record Recording(List<Outgoing> got, int credit) implements ResultSink {
    Recording(int credit) {
      this(new ArrayList<>(), credit);
    }

    @Override
    public boolean send(Outgoing message, long deadlineNanos) {
      got.add(message);
      return true;
    }
  }

  @Test
  void aStreamHasOneEndAndNothingAfterIt() {
    Recording first = new Recording(4);
    Recording second = new Recording(4);
    SharedExecution shared = new SharedExecution("k", "q-1", "cli_a", first);
    assertThat(shared.send(columnsAndRows(0), DEADLINE)).isTrue();
    assertThat(shared.join("q-2", "cli_b", second)).isTrue();
    assertThat(shared.send(end(1), DEADLINE)).isTrue();

    // An error after the end (a late cancel or failure) reaches nobody.
    assertThat(shared.send(Outgoing.error(2, ErrorCode.INTERNAL_ERROR, "late"), DEADLINE)).isFalse();
    assertThat(first.got()).hasSize(2);
    assertThat(second.got()).as("the late joiner gets the replay, then the rest, in order").containsExactlyElementsOf(first.got());
    assertThat(shared.join("q-3", "cli_c", new Recording(4))).as("an ended execution takes no one").isFalse();
  }

  @Test
  void aLateJoinerMustHaveCreditForTheReplay() {
    SharedExecution shared = new SharedExecution("k", "q-1", "cli_a", new Recording(4));
    shared.send(columnsAndRows(0), DEADLINE);
    shared.send(columnsAndRows(1), DEADLINE);
    assertThat(shared.join("q-2", "cli_b", new Recording(2))).as("two messages with rows, credit for two").isFalse();
    assertThat(shared.join("q-3", "cli_c", new Recording(3))).isTrue();
  }
}
