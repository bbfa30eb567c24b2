package com.pmsrelay.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Lowers libraries' start-up notices that call for no action to DEBUG: an operator's first screen
 * shows what the relay says, not that Flyway has not verified the H2 version the jar ships with
 * (the jar's tests run its migrations on that H2). Named in logback.xml.
 */
public final class StartupNoise extends TurboFilter {
  /** Logger and the start of the message each notice has; the message is logged again at DEBUG. */
  record Notice(String logger, String contains) {}

  static final List<Notice> NOTICES = List.of(
      new Notice("org.flywaydb.core.internal.database.base.Database", "newer than the version Flyway has been verified with"));

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
