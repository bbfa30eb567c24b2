package com.pmsrelay.cloud.store;

import com.pmsrelay.common.config.ConfigReader;
import java.nio.file.Path;

/** Where the control-plane data lives. An empty {@code url} means the embedded H2 file database. */
public record StoreConfig(String jdbcUrl, String user, String password, int maxPoolSize) {

  public static StoreConfig from(ConfigReader store, Path dataDir) {
    String url = store.optionalString("url");
    if (url == null) {
      url = embeddedH2(dataDir.resolve("store").resolve("control"));
    } else if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new com.pmsrelay.common.config.ConfigException(
          "config key 'store.url' must be a jdbc:h2: or jdbc:postgresql: URL");
    }
    String user = store.optionalString("user");
    String password = store.optionalString("password");
    return new StoreConfig(url, user == null ? "" : user, password == null ? "" : password,
        store.integer("maxPoolSize", 1, 200));
  }

  public static String embeddedH2(Path file) {
    return "jdbc:h2:file:" + file.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
  }
}
