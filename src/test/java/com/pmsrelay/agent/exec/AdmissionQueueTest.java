package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {
  private static QueryTask task(String client, int n, int weight) {
    return new QueryTask(new QueryRequest(client + n, "p", client, "SELECT 1", new JsonArray(), null, 1000, 1000, 10,
        Long.MAX_VALUE, weight, new JsonArray(), QueryRequest.DEFAULT_CREDIT), (m, d) -> true, null);
  }

  private static List<String> clientsOfNext(AdmissionQueue queue, int n) {
    List<String> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(queue.poll().clientId());
    }
    return order;
  }

  @Test
  void equalWeightsTakeTurnsWhateverTheBacklog() {
    AdmissionQueue queue = new AdmissionQueue(100, 100);
    for (int i = 0; i < 10; i++) {
      queue.offer(task("greedy", i, 1));
    }
    queue.offer(task("modest", 0, 1));
    queue.offer(task("modest", 1, 1));
    assertThat(clientsOfNext(queue, 5)).containsExactly("greedy", "modest", "greedy", "modest", "greedy");
  }

  @Test
  void weightsSetTheShares() {
    AdmissionQueue queue = new AdmissionQueue(100, 100);
    for (int i = 0; i < 30; i++) {
      queue.offer(task("heavy", i, 3));
      queue.offer(task("light", i, 1));
    }
    List<String> order = clientsOfNext(queue, 40);
    assertThat(order.stream().filter("heavy"::equals).count()).isEqualTo(30);
    assertThat(order.stream().filter("light"::equals).count()).isEqualTo(10);
    // Smooth: the light integrator is never kept waiting more than three turns in a row.
    assertThat(String.join(",", order)).doesNotContain("heavy,heavy,heavy,heavy");
  }

  @Test
  void boundsEachIntegratorAndTheTotal() {
    AdmissionQueue queue = new AdmissionQueue(3, 2);
    assertThat(queue.offer(task("a", 0, 1))).isEqualTo(AdmissionQueue.Refusal.NONE);
    assertThat(queue.offer(task("a", 1, 1))).isEqualTo(AdmissionQueue.Refusal.NONE);
    assertThat(queue.offer(task("a", 2, 1))).isEqualTo(AdmissionQueue.Refusal.INTEGRATOR_FULL);
    assertThat(queue.offer(task("b", 0, 1))).isEqualTo(AdmissionQueue.Refusal.NONE);
    assertThat(queue.offer(task("c", 0, 1))).isEqualTo(AdmissionQueue.Refusal.QUEUE_FULL);
  }

  @Test
  void removesATimedOutTaskAndEmptiesCleanly() {
    AdmissionQueue queue = new AdmissionQueue(10, 10);
    QueryTask a = task("a", 0, 1);
    queue.offer(a);
    queue.offer(task("b", 0, 1));
    assertThat(queue.remove(a)).isTrue();
    assertThat(queue.remove(a)).isFalse();
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.poll().request.queryId()).isEqualTo("b0");
    assertThat(queue.poll()).isNull();
  }
}
