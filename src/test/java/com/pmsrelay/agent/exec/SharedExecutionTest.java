package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedExecutionTest {

  @Test
  void aStreamHasOneEndAndNothingAfterIt() {
    List<JsonObject> first = new ArrayList<>();
    List<JsonObject> second = new ArrayList<>();
    SharedExecution shared = new SharedExecution("k", "q-1", "cli_a", (m, d) -> first.addAll(m));
    long deadline = System.nanoTime() + 1_000_000_000L;
    assertThat(shared.send(StreamMessages.columns(0, new JsonArray()), deadline)).isTrue();
    assertThat(shared.join("q-2", "cli_b", (m, d) -> second.addAll(m))).isTrue();
    assertThat(shared.send(StreamMessages.end(1, 0, false, 0, 0), deadline)).isTrue();

    // An error after the end (a late cancel or failure) reaches nobody.
    assertThat(shared.send(StreamMessages.error(2, ErrorCode.INTERNAL_ERROR, "late"), deadline)).isFalse();
    assertThat(first).extracting(m -> m.getString(StreamMessages.KIND)).containsExactly(StreamMessages.COLUMNS, StreamMessages.END);
    assertThat(second).extracting(m -> m.getString(StreamMessages.KIND)).containsExactly(StreamMessages.COLUMNS, StreamMessages.END);
    assertThat(shared.join("q-3", "cli_c", (m, d) -> true)).as("an ended execution takes no one").isFalse();
  }
}
