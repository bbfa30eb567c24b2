package com.pmsrelay.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelsTest {
  @Test
  void aLoggersLevelChangesAndIsListed() {
    String name = "com.pmsrelay.test.levels";
    assertThat(LoggerFactory.getLogger(name).isDebugEnabled()).isFalse();
    String previous = LogLevels.set(name, "debug");
    try {
      assertThat(previous).isEqualTo("INFO");
      assertThat(LoggerFactory.getLogger(name + ".child").isDebugEnabled()).isTrue();
      assertThat(LogLevels.current().getJsonObject("loggers").getString(name)).isEqualTo("DEBUG");
    } finally {
      LogLevels.set(name, previous);
    }
    assertThat(LoggerFactory.getLogger(name).isDebugEnabled()).isFalse();
  }

  @Test
  void badLevelsAndNamesAreRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> LogLevels.set(null, "LOUD")).hasMessageContaining("'level' must be one of TRACE");
    assertThatThrownBy(() -> LogLevels.set(null, null)).hasMessageContaining("'level'");
    assertThatThrownBy(() -> LogLevels.set("a b", "INFO")).hasMessageContaining("'logger'");
    assertThatThrownBy(() -> LogLevels.set("x".repeat(300), "INFO")).hasMessageContaining("'logger'");
  }
}
