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
 * Vert.x's BodyHandler throw (500, an error logged with its stack). Now the body is read only for
 * methods that carry one, and such a request gets its problem (401: no token).
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
}
