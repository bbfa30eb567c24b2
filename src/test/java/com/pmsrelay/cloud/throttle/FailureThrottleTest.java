package com.pmsrelay.cloud.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle's policy on a clock of its own: per address, per account, growth, cap, reset, bounds. */
class FailureThrottleTest {
  /** 3 free failures, then 1 s doubling up to 60 s per address and 8 s per account. */
  private static final ThrottlePolicy POLICY = new ThrottlePolicy(3, 1_000, 60_000, 8_000, 3_600_000,
      TimeUnit.DAYS.toMillis(30), 1_000, 0);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FailureThrottle throttle = new FailureThrottle("test", POLICY, now::get);

  private void advanceMs(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  /** An admitted attempt that fails; asserts it was admitted. */
  private void fail(String account, String address) {
    assertThat(throttle.admit(account, address)).as("admitted").isZero();
    throttle.failed(account, address);
  }

  @Test
  void anAddressWaitsLongerWithEachFailureUpToTheCap() {
    for (int i = 0; i < 3; i++) {
      fail("cli_" + i, "10.0.0.1"); // other accounts each time: the address is what is throttled
    }
    long[] waits = new long[9];
    for (int i = 0; i < waits.length; i++) {
      waits[i] = throttle.admit("cli_x" + i, "10.0.0.1");
      advanceMs(waits[i]);
      fail("cli_x" + i, "10.0.0.1");
    }
    assertThat(waits).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000);
    assertThat(throttle.admit("cli_other", "10.0.0.2")).as("another address").isZero();
  }

  @Test
  void anAccountAttackedFromEverywhereWaitsAtMostItsSmallerCap() {
    for (int i = 0; i < 20; i++) {
      long wait = throttle.admit("admin", "10.1.0." + i);
      assertThat(wait).isLessThanOrEqualTo(8_000);
      advanceMs(wait);
      fail("admin", "10.1.0." + i);
    }
    long wait = throttle.admit("admin", "192.168.7.7");
    assertThat(wait).as("the right password from a new address waits the account's cap at most").isBetween(1L, 8_000L);
    advanceMs(wait);
    assertThat(throttle.admit("admin", "192.168.7.7")).isZero();
    throttle.succeeded("admin", "192.168.7.7");
    assertThat(throttle.admit("admin", "192.168.7.8")).as("a success clears the account").isZero();
  }

  @Test
  void anAddressThatLoggedInBeforeIsNotSlowedByOthersFailures() {
    assertThat(throttle.admit("admin", "10.2.0.1")).isZero();
    throttle.succeeded("admin", "10.2.0.1");
    for (int i = 0; i < 10; i++) {
      long wait = throttle.admit("admin", "10.9.9.9");
      advanceMs(wait);
      fail("admin", "10.9.9.9");
    }
    assertThat(throttle.admit("admin", "10.9.9.9")).as("the attacker waits").isPositive();
    assertThat(throttle.admit("admin", "10.2.0.1")).as("the admin's usual address does not").isZero();
    // but its own failures there count: a known address is not a free pass
    for (int i = 0; i < 3; i++) {
      throttle.failed("admin", "10.2.0.1");
    }
    assertThat(throttle.admit("admin", "10.2.0.1")).isEqualTo(1_000);
  }

  @Test
  void whileWaitingNothingIsCheckedAndTheRightSecretStillWaits() {
    for (int i = 0; i < 3; i++) {
      fail("cli_a", "10.3.0.1");
    }
    long wait = throttle.admit("cli_a", "10.3.0.1");
    assertThat(wait).isEqualTo(1_000);
    advanceMs(400);
    assertThat(throttle.admit("cli_a", "10.3.0.1")).as("attempts while waiting do not extend it").isEqualTo(600);
    advanceMs(600);
    assertThat(throttle.admit("cli_a", "10.3.0.1")).as("the slot").isZero();
    assertThat(throttle.admit("cli_a", "10.3.0.1")).as("one attempt per slot, however many arrive").isPositive();
  }

  @Test
  void failuresAreForgottenAfterAWhileAndMemoryStaysBounded() {
    for (int i = 0; i < 3; i++) {
      fail("cli_a", "10.4.0.1");
    }
    assertThat(throttle.admit("cli_b", "10.4.0.1")).isPositive();
    advanceMs(3_600_001);
    assertThat(throttle.admit("cli_b", "10.4.0.1")).isZero();
    for (int i = 0; i < 50_000; i++) {
      throttle.failed("cli_" + i, "10.5." + (i / 256 % 256) + "." + (i % 256));
    }
    assertThat(throttle.size()).as("four maps of at most 1,000 keys").isLessThanOrEqualTo(4_000);
  }

  @Test
  void ipv6AddressesCountByTheirSlash64() {
    assertThat(FailureThrottle.addressKey(io.vertx.core.net.SocketAddress.inetSocketAddress(1, "2001:db8:1:2:aaaa::1")))
        .isEqualTo(FailureThrottle.addressKey(io.vertx.core.net.SocketAddress.inetSocketAddress(1, "2001:db8:1:2:ffff::9")))
        .isNotEqualTo(FailureThrottle.addressKey(io.vertx.core.net.SocketAddress.inetSocketAddress(1, "2001:db8:1:3::1")));
    assertThat(FailureThrottle.addressKey(io.vertx.core.net.SocketAddress.inetSocketAddress(1, "127.0.0.2"))).isEqualTo("127.0.0.2");
    assertThat(FailureThrottle.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(FailureThrottle.retryAfterSeconds(1_001)).isEqualTo(2);
  }
}
