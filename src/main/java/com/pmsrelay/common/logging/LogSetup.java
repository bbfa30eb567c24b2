package com.pmsrelay.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;

/**
 * Applies a mode's {@link LoggingConfig} once its configuration is read: the level, text or JSON
 * lines, and rolling files beside standard error ({@code <dir>/pms-relay-<mode>.log}, rolled daily
 * and at {@code maxFileMb}, gzipped, kept {@code maxDays} and at most {@code totalCapMb} in all).
 * Until then (and in tests, which never call it) logback.xml's standard-error appender alone logs.
 */
public final class LogSetup {
  /** logback.xml's human-readable line, with the date for files that outlive a day. */
  static final String FILE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n";
  static final String FILE_APPENDER = "FILE";
  /** logback.xml's line on standard error, where the time of day is enough. */
  static final String STDERR_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

  private LogSetup() {}

  /** Returns the log file now written, or null when the configuration keeps logs on standard error only. */
  public static Path apply(LoggingConfig config, String mode) {
    LoggerContext context = LogLevels.context();
    Logger root = LogLevels.root();
    root.setLevel(Level.toLevel(config.level()));
    // Log shippers read one JSON object per line, on standard error as in the files.
    if (root.getAppender("STDERR") instanceof OutputStreamAppender<ILoggingEvent> stderr) {
      stderr.stop();
      stderr.setEncoder(encoder(context, config.json(), STDERR_PATTERN));
      stderr.start();
    }
    Appender<ILoggingEvent> previous = root.getAppender(FILE_APPENDER);
    if (previous != null) {
      root.detachAppender(previous);
      previous.stop();
    }
    if (!config.toFiles()) {
      return null;
    }
    try {
      java.nio.file.Files.createDirectories(config.dir());
    } catch (java.io.IOException | SecurityException e) {
      throw new com.pmsrelay.common.config.ConfigException("cannot create the log folder " + config.dir().toAbsolutePath()
          + " (" + e.getMessage() + "): make 'logging.dir' a folder this user can write, or empty for standard error only");
    }
    Path file = config.dir().resolve("pms-relay-" + mode + ".log").toAbsolutePath();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName(FILE_APPENDER);
    appender.setFile(file.toString());
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(config.dir().toAbsolutePath().resolve("pms-relay-" + mode + ".%d{yyyy-MM-dd}.%i.log.gz")
        .toString());
    rolling.setMaxFileSize(new FileSize(config.maxFileMb() * FileSize.MB_COEFFICIENT));
    rolling.setMaxHistory(config.maxDays());
    rolling.setTotalSizeCap(new FileSize(config.totalCapMb() * FileSize.MB_COEFFICIENT));
    rolling.start();
    appender.setRollingPolicy(rolling);
    appender.setEncoder(encoder(context, config.json(), FILE_PATTERN));
    appender.start();
    if (!appender.isStarted()) {
      throw new com.pmsrelay.common.config.ConfigException("cannot write logs to " + file
          + ": make 'logging.dir' a folder this user can write, or empty for standard error only");
    }
    root.addAppender(appender);
    return file;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json, String pattern) {
    if (json) {
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      // One flat object a line: time, level, thread, logger, the formatted message (and a failure's stack).
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithContext(false);
      encoder.setWithMarkers(false);
      encoder.setWithKVPList(false);
      encoder.setWithMessage(false);
      encoder.setWithArguments(false);
      encoder.setWithFormattedMessage(true);
      encoder.start();
      return encoder;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }
}
