package com.pmsrelay.cloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The node's count of connections per address, and its refusals' log lines, on a clock the test moves. */
class ConnectionCapTest {
  final AtomicLong now = new AtomicLong();
  final ConnectionCap cap = new ConnectionCap(2, now::get);
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  final Logger log = (Logger) LoggerFactory.getLogger(ConnectionCap.class);

  @BeforeEach
  void listen() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    log.detachAppender(logged);
  }

  @Test
  void eachAddressHoldsAtMostTheCapAndReleasesFreeItsPlace() {
    assertThat(cap.admit("10.0.0.1")).isTrue();
    assertThat(cap.admit("10.0.0.1")).isTrue();
    assertThat(cap.admit("10.0.0.1")).as("the third from one address").isFalse();
    assertThat(cap.admit("10.0.0.2")).as("another address is not affected").isTrue();
    assertThat(cap.held("10.0.0.1")).isEqualTo(2);
    cap.release("10.0.0.1");
    assertThat(cap.admit("10.0.0.1")).as("a freed place is taken again").isTrue();
    cap.release("10.0.0.1");
    cap.release("10.0.0.1");
    cap.release("10.0.0.2");
    assertThat(cap.addresses()).as("nothing kept for addresses with no connection").isZero();
  }

  @Test
  void refusalsAreLoggedOncePerAddressPerMinuteWithTheCountBetween() {
    cap.admit("10.0.0.1");
    cap.admit("10.0.0.1");
    for (int i = 0; i < 500; i++) {
      cap.admit("10.0.0.1");
    }
    assertThat(logged.list).hasSize(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(59));
    cap.admit("10.0.0.1");
    assertThat(logged.list).hasSize(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    cap.admit("10.0.0.1");
    assertThat(logged.list).hasSize(2);
    assertThat(logged.list.get(1).getFormattedMessage()).contains("10.0.0.1").contains("500 more refused");
  }

  @Test
  void theMemoryOfLoggedAddressesIsBounded() {
    ConnectionCap one = new ConnectionCap(1, now::get, 50);
    for (int i = 0; i < 150; i++) {
      String address = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
      one.admit(address);
      one.admit(address);
    }
    assertThat(logged.list).as("a line for each address while the memory has room, then none").hasSize(50);
    now.addAndGet(TimeUnit.MINUTES.toNanos(1));
    one.admit("10.200.0.1");
    one.admit("10.200.0.1");
    assertThat(logged.list).as("a minute later the old ones are forgotten").hasSize(51);
  }
}
