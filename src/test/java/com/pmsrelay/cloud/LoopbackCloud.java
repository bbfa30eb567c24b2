package com.pmsrelay.cloud;

import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The shipped cloud config for a node in a test: data under {@code dataDir}, the API, the bridge
 * and the management listener on loopback with free ports (the management port's default, 9090,
 * would clash as soon as two nodes run at once), one instance of each edge. Tests adjust the rest.
 */
public final class LoopbackCloud {
  private LoopbackCloud() {}

  public static JsonObject json(Path dataDir) {
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dataDir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0).put("instances", 1);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0).put("instances", 1);
    json.getJsonObject("management").put("host", "127.0.0.1").put("port", 0);
    return json;
  }
}
