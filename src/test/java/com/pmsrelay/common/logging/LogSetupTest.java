package com.pmsrelay.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The logging section applied: a rolling file with the configured caps beside standard error. */
class LogSetupTest {
  @TempDir Path dir;
  private final Level rootBefore = LogLevels.root().getLevel();

  @AfterEach
  void detach() {
    var file = LogLevels.root().getAppender(LogSetup.FILE_APPENDER);
    if (file != null) {
      LogLevels.root().detachAppender(file);
      file.stop();
    }
    LogLevels.root().setLevel(rootBefore);
  }

  private static LoggingConfig config(JsonObject logging) {
    JsonObject section = new JsonObject().put("dir", "logs").put("format", "text").put("level", "INFO")
        .put("maxFileMb", 20).put("maxDays", 14).put("totalCapMb", 500).mergeIn(logging);
    return LoggingConfig.from(new ConfigReader(new JsonObject().put("logging", section)).section("logging"));
  }

  @Test
  void linesGoToARollingFileWithTheConfiguredCaps() throws Exception {
    Path logs = dir.resolve("logs");
    Path file = LogSetup.apply(config(new JsonObject().put("dir", logs.toString()).put("maxFileMb", 5)
        .put("maxDays", 3).put("totalCapMb", 50)), "agent");
    LoggerFactory.getLogger("com.pmsrelay.test.setup").info("query {} ended", "q-1");
    assertThat(file).isEqualTo(logs.resolve("pms-relay-agent.log").toAbsolutePath());
    assertThat(Files.readString(file)).containsPattern("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+[+-Z][0-9:]* INFO  \\[.*\\] "
        + "c\\.p\\.test\\.setup - query q-1 ended");
    @SuppressWarnings("unchecked")
    RollingFileAppender<ILoggingEvent> appender =
        (RollingFileAppender<ILoggingEvent>) LogLevels.root().getAppender(LogSetup.FILE_APPENDER);
    SizeAndTimeBasedRollingPolicy<?> policy = (SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
    assertThat(policy.getMaxHistory()).isEqualTo(3);
    assertThat(policy.getFileNamePattern()).endsWith("pms-relay-agent.%d{yyyy-MM-dd}.%i.log.gz");
  }

  @Test
  void jsonLinesInTheFileAndNoFilesWhenTheFolderIsEmpty() throws Exception {
    Path file = LogSetup.apply(config(new JsonObject().put("dir", dir.toString()).put("format", "json")
        .put("level", "WARN")), "cloud");
    try {
      LoggerFactory.getLogger("com.pmsrelay.test.setup").info("not at WARN");
      LoggerFactory.getLogger("com.pmsrelay.test.setup").warn("agent {} refused", "x");
      String line = Files.readString(file).strip();
      assertThat(line.lines()).hasSize(1);
      JsonObject event = new JsonObject(line);
      assertThat(event.getString("level")).isEqualTo("WARN");
      assertThat(event.getString("formattedMessage")).isEqualTo("agent x refused");
    } finally {
      LogSetup.apply(config(new JsonObject().put("dir", "")), "cloud"); // standard error in text again
    }
    assertThat(LogLevels.root().getAppender(LogSetup.FILE_APPENDER)).isNull();
  }

  @Test
  void badSettingsNameTheKey() {
    assertThatThrownBy(() -> config(new JsonObject().put("format", "xml"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("logging.format");
    assertThatThrownBy(() -> config(new JsonObject().put("level", "LOUD"))).hasMessageContaining("logging.level");
    assertThatThrownBy(() -> config(new JsonObject().put("maxFileMb", 100).put("totalCapMb", 10)))
        .hasMessageContaining("logging.totalCapMb");
    Path notAFolder = dir.resolve("file");
    assertThatThrownBy(() -> {
      Files.writeString(notAFolder, "x");
      LogSetup.apply(config(new JsonObject().put("dir", notAFolder.toString())), "agent");
    }).isInstanceOf(ConfigException.class).hasMessageContaining("logging.dir");
  }
}
