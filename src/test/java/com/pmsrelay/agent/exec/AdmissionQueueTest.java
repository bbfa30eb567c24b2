package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {
  private static QueryTask task(String client, int n) {
    return new QueryTask(new QueryRequest(client + n, "p", client, "SELECT 1", new JsonArray(), null, 1000, 1000, 10, 1),
        (m, d) -> true);
  }

  @Test
  void servesIntegratorsInTurnsWhateverTheirBacklog() {
    AdmissionQueue queue = new AdmissionQueue(100);
    for (int i = 0; i < 10; i++) {
      queue.offer(task("greedy", i));
    }
    queue.offer(task("modest", 0));
    queue.offer(task("modest", 1));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      order.add(queue.poll().request.queryId());
    }
    assertThat(order).containsExactly("greedy0", "modest0", "greedy1", "modest1", "greedy2");
  }

  @Test
  void boundsTheTotalAndRemovesOnTimeout() {
    AdmissionQueue queue = new AdmissionQueue(2);
    QueryTask a = task("a", 0);
    assertThat(queue.offer(a)).isTrue();
    assertThat(queue.offer(task("b", 0))).isTrue();
    assertThat(queue.offer(task("c", 0))).isFalse();
    assertThat(queue.remove(a)).isTrue();
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.poll().request.queryId()).isEqualTo("b0");
    assertThat(queue.poll()).isNull();
  }
}
