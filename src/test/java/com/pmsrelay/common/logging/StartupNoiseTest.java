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

/**
 * logback.xml's filter of notices: Flyway's untested-H2 notice and Micrometer's on Vert.x's gauges
 * shared by a server's instances are DEBUG lines, other warnings stay warnings.
 */
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

  @Test
  void aVertxGaugeSharedByAServersInstancesIsADebugLineAndOurOwnStaysAWarning() {
    Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
    ListAppender<ILoggingEvent> warned = new ListAppender<>();
    warned.start();
    micrometer.addAppender(warned);
    Level was = micrometer.getLevel();
    try {
      micrometer.setLevel(Level.INFO);
      // as Micrometer 1.15 words it (seen in this relay's logs)
      micrometer.warn("This Gauge has been already registered (MeterId{name='vertx.http.server.active.requests', "
          + "tags=[tag(local=127.0.0.1:44701),tag(method=POST)]}), the registration will be ignored. Note that subsequent "
          + "logs will be logged at debug level.");
      String ours = "This Gauge has been already registered (MeterId{name='pmsrelay.agents.connected', tags=[]}), the "
          + "registration will be ignored. Note that subsequent logs will be logged at debug level.";
      micrometer.warn(ours);
      assertThat(warned.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(ours);
      assertThat(warned.list.get(0).getLevel()).isEqualTo(Level.WARN);
    } finally {
      micrometer.detachAppender(warned);
      micrometer.setLevel(was);
    }
  }
}
