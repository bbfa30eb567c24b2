package com.pmsrelay.cli;

import com.pmsrelay.common.config.ConfigReader;
import com.pmsrelay.common.logging.LogSetup;
import com.pmsrelay.common.logging.LoggingConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** A mode's logs as its {@code logging} section asks (README, Logs): applied once its configuration is read. */
final class ModeLogs {
  private ModeLogs() {}

  /** {@code json}: a mode's whole configuration; its {@code logging.dir} relative to {@code base} when given. */
  static void apply(JsonObject json, String mode, Path base) {
    JsonObject logging = json.getJsonObject("logging").copy();
    String dir = logging.getString("dir");
    if (base != null && dir != null && !dir.isBlank()) {
      logging.put("dir", base.resolve(dir).toString());
    }
    Path file = LogSetup.apply(LoggingConfig.from(new ConfigReader(new JsonObject().put("logging", logging))
        .section("logging")), mode);
    if (file != null) {
      org.slf4j.LoggerFactory.getLogger(ModeLogs.class).info("logging to {} and standard error", file);
    }
  }
}
