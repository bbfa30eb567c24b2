package com.pmsrelay.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each node's Vert.x reports into that node's registry, also where several run in one JVM (the
 * clustered demo, the tests): Vert.x keeps its registries by name, and one shared name would send
 * every later node's HTTP and JVM meters to the first node's registry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeMetricsTest {
  @Test
  void twoNodesInOneJvmEachSeeTheirOwnServersAndTheJvm() {
    NodeMetrics first = new NodeMetrics();
    NodeMetrics second = new NodeMetrics();
    Vertx one = VertxRuntime.create(new VertxOptions(), first);
    Vertx two = VertxRuntime.create(new VertxOptions(), second);
    try {
      call(one, serve(one), 1);
      call(two, serve(two), 3);

      assertThat(requests(first.scrape())).as("node one's requests, and none of node two's").isEqualTo(1);
      assertThat(requests(second.scrape())).as("node two's requests").isEqualTo(3);
      assertThat(second.scrape()).contains("jvm_memory_used_bytes").contains("jvm_classes_loaded_classes");
      assertThat(first.scrape()).contains("jvm_memory_used_bytes");
    } finally {
      two.close().await();
      one.close().await();
    }
  }

  private static int serve(Vertx vertx) {
    HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private static void call(Vertx vertx, int port, int times) {
    WebClient client = WebClient.create(vertx);
    try {
      for (int i = 0; i < times; i++) {
        assertThat(client.request(HttpMethod.GET, port, "127.0.0.1", "/").send().await().statusCode()).isEqualTo(200);
      }
    } finally {
      client.close();
    }
  }

  /** The requests the registry counted, over all servers, codes and methods. */
  private static long requests(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("vertx_http_server_requests_total{"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
