package com.pmsrelay.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API fuzzing found: a GET, HEAD or OPTIONS with a form or multipart Content-Type made
 * Vert.x's BodyHandler throw (500, an error logged with its stack), and a path with a malformed
 * %-escape was answered with a bare "Bad Request" and an error logged. Both are now problems
 * (401 for want of a token before anything else; 400 invalid_request), and nothing is logged as an error.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MalformedRequestTest {
  @TempDir Path dir;
  Vertx vertx;
  CloudNode cloud;
  WebClient http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort()));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aFormContentTypeOnARequestWithoutBodyIsNoLongerA500() {
    try (LogCapture log = new LogCapture()) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)) {
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
          for (String path : List.of("/v1/practices", "/console/api/session")) {
            HttpResponse<Buffer> r = http.request(method, path).putHeader("Content-Type", type)
                .sendBuffer(Buffer.buffer("a=b")).await();
            assertThat(r.statusCode()).as("%s %s with %s", method, path, type).isEqualTo(401);
            if (method != HttpMethod.HEAD) {
              assertThat(Problem.check(r.statusCode(), r.getHeader("Content-Type"), r.body())).isEmpty();
            }
          }
        }
      }
      assertThat(log.defects()).isEmpty();
    }
  }

  @Test
  void aMalformedEscapeInThePathIsAProblem() {
    try (LogCapture log = new LogCapture()) {
      for (String path : List.of("/v1/queries/%zz", "/v1/practices/%/queries", "/v1/queries/%u0041/results", "/x/%4")) {
        HttpResponse<Buffer> r = http.get(path).send().await();
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(Problem.check(r.statusCode(), r.getHeader("Content-Type"), r.body())).isEmpty();
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
      }
      // Well-escaped paths still route as before.
      assertThat(http.get("/v1/queries/%41").send().await().statusCode()).isEqualTo(401);
      assertThat(log.defects()).isEmpty();
    }
  }
}
