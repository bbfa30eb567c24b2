package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ParseDeadlinesTest {

  @Test
  void flagsAParserPastItsDeadlineOnlyThenAndSleepsWhenNothingIsWatched() throws Exception {
    ParseDeadlines deadlines = new ParseDeadlines("test-parse-deadlines");
    Thread ticker = thread("test-parse-deadlines");

    CCJSqlParser slow = CCJSqlParserUtil.newParser("SELECT 1");
    CCJSqlParser quick = CCJSqlParserUtil.newParser("SELECT 2");
    ParseDeadlines.Watch slowWatch = deadlines.start(slow, 30);
    ParseDeadlines.Watch quickWatch = deadlines.start(quick, 30);
    deadlines.end(quickWatch); // ended in time: never flagged
    Thread.sleep(10);
    assertThat(slow.interrupted).as("before its deadline").isFalse();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!slow.interrupted && System.nanoTime() < until) {
      Thread.sleep(1);
    }
    assertThat(slow.interrupted).as("flagged after its deadline").isTrue();
    assertThat(quick.interrupted).isFalse();
    deadlines.end(slowWatch);

    // Nothing watched for a second: the thread parks without a time-out (no idle ticking) …
    until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ticker.getState() != Thread.State.WAITING && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(ticker.getState()).isEqualTo(Thread.State.WAITING);
    // … and a new parse wakes it.
    CCJSqlParser late = CCJSqlParserUtil.newParser("SELECT 3");
    deadlines.start(late, 10);
    until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!late.interrupted && System.nanoTime() < until) {
      Thread.sleep(1);
    }
    assertThat(late.interrupted).isTrue();
  }

  private static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }
}
