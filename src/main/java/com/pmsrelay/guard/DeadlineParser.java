package com.pmsrelay.guard;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statements;

/**
 * Runs JSqlParser under a deadline that actually stops it.
 *
 * <p>JSqlParser 5.3's own time-out ({@code CCJSqlParserUtil.parseStatements} with an executor)
 * only stops waiting: it sets the parser's {@code interrupted} flag and interrupts the thread, but
 * the generated parser never looks at the thread's interrupt status; what stops it is the flag,
 * which its grammar tests in the look-aheads of conditions, expression lists and primary
 * expressions, where pathological inputs spend their time. So the guard sets that flag itself,
 * from one shared thread ({@link ParseDeadlines}), and treats a parse that saw the flag as refused (a look-ahead cut
 * short may have chosen a different reading). The flag is a plain field; the parser, deep in
 * non-inlined recursive calls, sees it within milliseconds, which SqlGuardBoundsTest checks.
 *
 * <p>Statements that are short and shallow are parsed on the calling thread (a thread hop would add
 * tens of microseconds to every check); longer or deeper ones, where JSqlParser's exponential look-ahead could
 * bite, on a small bounded pool that the caller waits on for no longer than the deadline. A pool
 * that is busy refuses rather than queues, so a burst of hostile statements costs at most its few
 * threads, each stopped by its flag.
 */
final class DeadlineParser {
  /** Statements within both limits are parsed without a thread hop. */
  static final int INLINE_MAX_TOKENS = 2_000;
  static final int INLINE_MAX_DEPTH = 8;
  /**
   * How deep a statement may nest to get JSqlParser's complex mode. Its look-ahead there grows
   * four- to fivefold per level of parenthesised CASE (a second at six levels), so it is kept to
   * shallow statements, where IIF(a = 1, …) and its like live; CCJSqlParserUtil allows 10.
   */
  static final int COMPLEX_MAX_DEPTH = 4;
  /** How long the caller waits past the deadline for the parser thread to notice its flag. */
  private static final long GRACE_MS = 100;

  private static final ParseDeadlines DEADLINES = new ParseDeadlines("sql-guard-deadlines");
  private static final ThreadPoolExecutor LONG_PARSES = new ThreadPoolExecutor(
      0, Math.max(4, Runtime.getRuntime().availableProcessors()), 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), daemon("sql-guard-parser"));

  private DeadlineParser() {
  }

  /** Parses {@code text}, or throws GuardException if it cannot be parsed within {@code timeoutMs}. */
  static Statements parse(String text, long timeoutMs, boolean inline, boolean complexAllowed) {
    if (inline) {
      return parseHere(text, timeoutMs, complexAllowed);
    }
    Future<Statements> parse;
    try {
      parse = LONG_PARSES.submit(() -> parseHere(text, timeoutMs, complexAllowed));
    } catch (RejectedExecutionException e) {
      throw new GuardException("too many long statements are being checked at once; try again shortly");
    }
    try {
      return parse.get(timeoutMs + GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      parse.cancel(true);
      throw tooSlow(timeoutMs);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof GuardException guard ? guard : notUnderstood(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      parse.cancel(true);
      throw new GuardException("the check was interrupted");
    }
  }

  /** Parsers on the pool right now (for tests that check nothing is left running). */
  static int busyPoolThreads() {
    return LONG_PARSES.getActiveCount();
  }

  /**
   * JSqlParser's "simple" mode first, as CCJSqlParserUtil does: it is faster, but it cannot read
   * a condition as a function argument (IIF(a = 1, …)), which "complex" mode can; the second try
   * gets what is left of the same deadline, and only shallow statements get it, since complex
   * mode's look-ahead grows fastest with depth.
   */
  private static Statements parseHere(String text, long timeoutMs, boolean complexAllowed) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try {
      return parseOnce(text, false, timeoutMs, timeoutMs);
    } catch (NotParsed first) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!complexAllowed || left <= 0) {
        throw notUnderstood(first.getCause());
      }
      try {
        return parseOnce(text, true, left, timeoutMs);
      } catch (NotParsed second) {
        throw notUnderstood(first.getCause());
      }
    }
  }

  private static Statements parseOnce(String text, boolean complex, long millis, long timeoutMs) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(text)
        .withSquareBracketQuotation(true)
        .withAllowComplexParsing(complex);
    ParseDeadlines.Watch watch = DEADLINES.start(parser, millis);
    Statements statements;
    try {
      statements = parser.Statements();
    } catch (Exception | StackOverflowError e) {
      if (parser.interrupted) {
        throw tooSlow(timeoutMs);
      }
      throw new NotParsed(e);
    } finally {
      DEADLINES.end(watch);
    }
    if (parser.interrupted) {
      throw tooSlow(timeoutMs);
    }
    return statements;
  }

  /** JSqlParser refused the text (not a time-out). */
  private static final class NotParsed extends RuntimeException {
    NotParsed(Throwable cause) {
      super(null, cause, false, false);
    }
  }

  private static GuardException tooSlow(long timeoutMs) {
    return new GuardException("the statement is too complex: parsing it took longer than " + timeoutMs + " ms");
  }

  private static GuardException notUnderstood(Throwable e) {
    String message = e == null || e.getMessage() == null ? "" : e.getMessage().strip();
    int line = message.indexOf('\n');
    message = line < 0 ? message : message.substring(0, line).strip();
    if (message.length() > 160) {
      message = message.substring(0, 160) + "…";
    }
    return new GuardException("the statement could not be fully understood" + (message.isEmpty() ? "" : " (" + message + ")"));
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
