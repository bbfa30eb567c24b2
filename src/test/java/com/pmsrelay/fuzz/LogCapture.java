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
