package com.pmsrelay.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Log levels changed while the node runs, no restart: the root's or one logger's (a package, such
 * as {@code com.pmsrelay.agent}). Served on the node's loopback management listener.
 */
public final class LogLevels {
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
  private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.]{0,199}");

  private LogLevels() {}

  /** The root's level and every logger given a level of its own. */
  public static JsonObject current() {
    JsonObject levels = new JsonObject();
    for (Logger logger : context().getLoggerList()) {
      if (logger.getLevel() != null) {
        levels.put(logger.getName(), logger.getLevel().toString());
      }
    }
    return new JsonObject().put("root", root().getEffectiveLevel().toString()).put("loggers", levels);
  }

  /**
   * Sets {@code logger}'s level (null or {@code ROOT}: the root's); returns the level it had.
   *
   * @throws IllegalArgumentException naming what is wrong with either argument
   */
  public static String set(String logger, String level) {
    String wanted = level == null ? "" : level.toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(wanted)) {
      throw new IllegalArgumentException("'level' must be one of " + String.join(", ", LEVELS));
    }
    Logger target;
    if (logger == null || logger.isEmpty() || logger.equalsIgnoreCase(Logger.ROOT_LOGGER_NAME)) {
      target = root();
    } else if (LOGGER_NAME.matcher(logger).matches()) {
      target = context().getLogger(logger);
    } else {
      throw new IllegalArgumentException("'logger' must be a logger or package name such as com.pmsrelay.agent");
    }
    String previous = target.getEffectiveLevel().toString();
    target.setLevel(Level.toLevel(wanted));
    LoggerFactory.getLogger(LogLevels.class).info("log level of {} set to {} (was {})", target.getName(), wanted, previous);
    return previous;
  }

  static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  static Logger root() {
    return context().getLogger(Logger.ROOT_LOGGER_NAME);
  }
}
