package com.pmsrelay.guard;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.sf.jsqlparser.parser.CCJSqlParser;

/**
 * Stops JSqlParser parses that run past their deadline by setting the parser's {@code interrupted}
 * flag (see {@link DeadlineParser} for why that flag), from one daemon thread.
 *
 * <p>The thread ticks every {@value #TICK_MS} ms while parses are in flight and parks once none
 * has been seen for a second, so an idle agent pays nothing. Starting and ending a parse is an
 * add and a remove on a concurrent set: no thread is woken per parse (scheduling and cancelling
 * an alarm on a ScheduledExecutorService woke its thread twice per parse, 15-35 µs of a 200 µs
 * check on two cores). The price is precision: a parse is stopped up to one tick late.
 */
final class ParseDeadlines {
  static final long TICK_MS = 5;
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One parse under watch. */
  static final class Watch {
    private final CCJSqlParser parser;
    private final long deadlineNanos;

    private Watch(CCJSqlParser parser, long deadlineNanos) {
      this.parser = parser;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final Set<Watch> active = ConcurrentHashMap.newKeySet();
  private final Thread ticker;
  private volatile boolean parked;

  ParseDeadlines(String threadName) {
    ticker = new Thread(this::run, threadName);
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Watches {@code parser} until {@link #end}; past {@code millis} from now its flag is set. */
  Watch start(CCJSqlParser parser, long millis) {
    Watch watch = new Watch(parser, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    active.add(watch);
    if (parked) { // the ticker re-checks the set after saying it parks: no wake-up is lost
      LockSupport.unpark(ticker);
    }
    return watch;
  }

  void end(Watch watch) {
    active.remove(watch);
  }

  private void run() {
    long lastBusy = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      if (!active.isEmpty()) {
        lastBusy = now;
        for (Watch watch : active) {
          if (now - watch.deadlineNanos >= 0) {
            watch.parser.interrupted = true;
          }
        }
      } else if (now - lastBusy > IDLE_NANOS) {
        parked = true;
        if (active.isEmpty()) {
          LockSupport.park(this);
        }
        parked = false;
        lastBusy = System.nanoTime();
        continue;
      }
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(TICK_MS));
    }
  }
}
