package com.pmsrelay.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM while attached: counts them, and keeps (the first hundred of) those
 * that show a defect: an ERROR, or any event carrying an exception (an unhandled one reaches the
 * log through Vert.x's context or Netty's pipeline that way).
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<String> defects = new ArrayList<>();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong defectCount = new AtomicLong();
  private final AtomicLong upstream = new AtomicLong();

  LogCapture() {
    setName("fuzz-capture");
    setContext(root.getLoggerContext());
    start();
    root.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.incrementAndGet();
    IThrowableProxy thrown = event.getThrowableProxy();
    if (upstreamPoolRace(thrown)) {
      upstream.incrementAndGet();
      return;
    }
    if (event.getLevel().isGreaterOrEqual(Level.ERROR) || thrown != null) {
      defectCount.incrementAndGet();
      synchronized (defects) {
        if (defects.size() < 100) {
          defects.add(event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] "
              + event.getFormattedMessage() + (thrown == null ? "" : " :: " + thrown.getClassName() + ": "
              + thrown.getMessage() + (thrown.getStackTraceElementProxyArray().length > 0
                  ? " at " + thrown.getStackTraceElementProxyArray()[0] : "")));
        }
      }
    }
  }

  /**
   * Vert.x 5.0.7's SQL client pool, when a wait for a connection times out as the connection is
   * handed over, fails an already completed promise: a race inside vertx-sql-client (its
   * SqlConnectionPool's wait timer), not ours, seen when the store's pool is saturated for its
   * 30 s connection time-out on this shared machine. Counted apart (and reported), not hidden.
   */
  static boolean upstreamPoolRace(IThrowableProxy thrown) {
    if (thrown == null || !"java.lang.IllegalStateException".equals(thrown.getClassName())
        || !"Promise already completed".equals(thrown.getMessage())) {
      return false;
    }
    var frames = thrown.getStackTraceElementProxyArray();
    for (int i = 0; i < Math.min(3, frames.length); i++) {
      if (frames[i].getStackTraceElement().getClassName().startsWith("io.vertx.sqlclient.impl.pool.SqlConnectionPool")) {
        return true;
      }
    }
    return false;
  }

  /** How many times the upstream pool race showed. */
  long upstreamPoolRaces() {
    return upstream.get();
  }

  long events() {
    return events.get();
  }

  long defectCount() {
    return defectCount.get();
  }

  /** The defects seen (at most the first hundred), one per line. */
  String defects() {
    synchronized (defects) {
      return String.join("\n", defects);
    }
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
