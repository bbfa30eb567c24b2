package com.pmsrelay.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Lowers libraries' notices that call for no action to DEBUG: an operator's first screen shows what
 * the relay says, not that Flyway has not verified the H2 version the jar ships with (the jar's
 * tests run its migrations on that H2), nor that Micrometer saw a Vert.x gauge registered twice: each
 * instance of a server (the API runs several on one port) registers the same gauges, which Vert.x
 * backs with one shared counter per gauge, so the values are whole. Named in logback.xml.
 */
public final class StartupNoise extends TurboFilter {
  /** Logger and the start of the message each notice has; the message is logged again at DEBUG. */
  record Notice(String logger, String contains) {}

  static final List<Notice> NOTICES = List.of(
      new Notice("org.flywaydb.core.internal.database.base.Database", "newer than the version Flyway has been verified with"),
      new Notice("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered (MeterId{name='vertx."));

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.WARN || format == null) {
      return FilterReply.NEUTRAL;
    }
    for (Notice notice : NOTICES) {
      if (notice.logger().equals(logger.getName()) && format.contains(notice.contains())) {
        logger.debug(format, params); // seen again by this filter at DEBUG: neutral then
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
