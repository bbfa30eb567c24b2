package com.pmsrelay.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** logback.xml's start-up filter: Flyway's untested-H2 notice is a DEBUG line, other warnings stay warnings. */
class StartupNoiseTest {
  private final Logger flyway = (Logger) LoggerFactory.getLogger("org.flywaydb.core.internal.database.base.Database");
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
  private Level before;

  @BeforeEach
  void listen() {
    before = flyway.getLevel();
    seen.start();
    flyway.addAppender(seen);
  }

  @AfterEach
  void restore() {
    flyway.detachAppender(seen);
    flyway.setLevel(before);
  }

  private static final String NOTICE =
      "Using H2 2.4.240 which is newer than the version Flyway has been verified with. The latest verified version of H2 is 2.3.232.";

  @Test
  void theNoticeIsHiddenAtInfoAndADebugLineAtDebug() {
    flyway.setLevel(Level.INFO);
    flyway.warn(NOTICE);
    flyway.warn("Validate failed: migrations have failed validation");
    assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("Validate failed: migrations have failed validation");
    assertThat(seen.list.get(0).getLevel()).isEqualTo(Level.WARN);

    seen.list.clear();
    flyway.setLevel(Level.DEBUG);
    flyway.warn(NOTICE);
    assertThat(seen.list).hasSize(1);
    assertThat(seen.list.get(0).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(seen.list.get(0).getFormattedMessage()).isEqualTo(NOTICE);
  }
}
