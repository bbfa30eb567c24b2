package com.pmsrelay.common.logging;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code logging} section of each mode's configuration: where the rolling log files go and how
 * big and old they may grow, text or JSON lines, and the level to start at (changeable while
 * running: {@link LogLevels}).
 */
public record LoggingConfig(Path dir, boolean json, String level, int maxFileMb, int maxDays, int totalCapMb) {

  public static LoggingConfig from(ConfigReader logging) {
    String format = logging.string("format").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("config key 'logging.format' must be text or json");
    }
    String level = logging.string("level").toUpperCase(Locale.ROOT);
    if (!LogLevels.LEVELS.contains(level)) {
      throw new ConfigException("config key 'logging.level' must be one of " + LogLevels.LEVELS);
    }
    String dir = logging.optionalString("dir");
    int maxFileMb = logging.integer("maxFileMb", 1, 10_240);
    int totalCapMb = logging.integer("totalCapMb", 1, 1_048_576);
    if (totalCapMb < maxFileMb) {
      throw new ConfigException("config key 'logging.totalCapMb' must be at least 'logging.maxFileMb'");
    }
    return new LoggingConfig(dir == null || dir.isBlank() ? null : Path.of(dir), format.equals("json"), level,
        maxFileMb, logging.integer("maxDays", 1, 3_650), totalCapMb);
  }

  /** No files: standard error only. */
  public boolean toFiles() {
    return dir != null;
  }
}
