package com.pmsrelay.cloud.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down whoever fails to authenticate (token requests, console logins), per source address
 * and per account (client id, username), with a delay that doubles with each consecutive failure
 * past a few free ones, up to a cap; answered before any hash or store access, so a flood of
 * wrong secrets costs the node a map look-up each. Node state, bounded (Caffeine: a size bound
 * and forgetting after {@link ThrottlePolicy#forgetAfterMs()} without a failure).
 *
 * <p>The policy, per attempt from {@code address} on {@code account}:
 * <ul>
 *   <li>An address that has logged in to this account before (remembered
 *       {@link ThrottlePolicy#rememberSuccessMs()}) waits only for its own failures on this account:
 *       an attacker elsewhere, failing on the same account, does not slow the practice admin or the
 *       integrator down at its usual address.</li>
 *   <li>Any other address waits for the longest of: its own failures (on any account, up to
 *       {@link ThrottlePolicy#maxDelayMs()}), the account's failures from everywhere (up to the
 *       smaller {@link ThrottlePolicy#accountMaxDelayMs()}: a distributed attack on one account gets
 *       at most one guess per that delay, and a right password from a new address waits at most
 *       that long), and its failures on this account.</li>
 *   <li>An attempt made while waiting is answered 429 with {@code Retry-After} and is not checked at
 *       all, even if its secret is right: it neither counts nor resets anything.</li>
 *   <li>A failure counts on the address, the account and the pair; a success clears the account and
 *       the pair and remembers the pair; the address's failures are only forgotten with time (else
 *       one valid login would reset an attacker's count on every other account).</li>
 *   <li>Past the free failures each admitted attempt claims its key's next slot before it is
 *       checked, so a key under delay admits one attempt per slot however many arrive at once.</li>
 * </ul>
 */
public final class FailureThrottle {
  private static final Logger LOG = LoggerFactory.getLogger(FailureThrottle.class);
  /** Answers held back at once, at most; beyond that they are sent at once (a held answer is a timer and a connection). */
  static final int MAX_HELD = 10_000;

  private record Failures(int count, long nextAllowedNanos) {}

  private final String name;
  private final ThrottlePolicy policy;
  private final LongSupplier nanoClock;
  private final Cache<String, Failures> addresses;
  private final Cache<String, Failures> accounts;
  private final Cache<String, Failures> pairs;
  private final Cache<String, Boolean> known;
  private final AtomicInteger held = new AtomicInteger();

  /** A throttle named {@code name} in its log lines ("token", "console login"). */
  public FailureThrottle(String name, ThrottlePolicy policy) {
    this(name, policy, System::nanoTime);
  }

  FailureThrottle(String name, ThrottlePolicy policy, LongSupplier nanoClock) {
    this.name = name;
    this.policy = policy;
    this.nanoClock = nanoClock;
    this.addresses = cache(policy.forgetAfterMs());
    this.accounts = cache(policy.forgetAfterMs());
    this.pairs = cache(policy.forgetAfterMs());
    this.known = cache(policy.rememberSuccessMs());
  }

  private <V> Cache<String, V> cache(long expireMs) {
    return Caffeine.newBuilder().maximumSize(policy.maxEntries()).expireAfterWrite(expireMs, TimeUnit.MILLISECONDS)
        .ticker(nanoClock::getAsLong).executor(Runnable::run).build();
  }

  /**
   * 0 if this attempt may be checked now (and, past the free failures, its slot is taken);
   * otherwise how many ms to wait before the next attempt.
   */
  public long admit(String account, String address) {
    long now = nanoClock.getAsLong();
    String pair = pair(account, address);
    boolean trusted = known.getIfPresent(pair) != null;
    long wait = waitNanos(pairs, pair, now);
    if (!trusted) {
      wait = Math.max(wait, Math.max(waitNanos(addresses, address, now), waitNanos(accounts, account, now)));
    }
    if (wait == 0) {
      wait = claim(pairs, pair, now, policy.maxDelayMs());
      if (!trusted && wait == 0) {
        wait = Math.max(claim(addresses, address, now, policy.maxDelayMs()),
            claim(accounts, account, now, policy.accountMaxDelayMs()));
      }
    }
    return wait == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
  }

  /** A failed attempt: counted on the address, the account and the pair. */
  public void failed(String account, String address) {
    long now = nanoClock.getAsLong();
    if (count(addresses, address, now, policy.maxDelayMs()) == policy.freeFailures()) {
      LOG.info("{}: address {} delayed after {} failures in a row", name, address, policy.freeFailures());
    }
    if (count(accounts, account, now, policy.accountMaxDelayMs()) == policy.freeFailures()) {
      LOG.info("{}: account {} delayed (up to {} ms) after {} failures in a row", name, printable(account),
          policy.accountMaxDelayMs(), policy.freeFailures());
    }
    count(pairs, pair(account, address), now, policy.maxDelayMs());
  }

  /** A successful attempt: the account's and the pair's failures are forgotten, the pair is remembered. */
  public void succeeded(String account, String address) {
    String pair = pair(account, address);
    pairs.invalidate(pair);
    accounts.invalidate(account);
    known.put(pair, Boolean.TRUE);
  }

  /**
   * Completes after the answer to a refused attempt has been held back a while (at most {@code
   * holdMs} and never past the wait): a client that waits for each answer before its next attempt,
   * as most loops do, then makes about one attempt per second per connection instead of thousands.
   */
  public Future<Void> hold(Vertx vertx, long waitMs) {
    long ms = Math.min(policy.holdMs(), waitMs);
    if (ms <= 0 || held.incrementAndGet() > MAX_HELD) {
      if (ms > 0) {
        held.decrementAndGet();
      }
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(ms, id -> {
      held.decrementAndGet();
      done.complete();
    });
    return done.future();
  }

  /** Retry-After's value for a wait: whole seconds, at least 1. */
  public static int retryAfterSeconds(long waitMs) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (waitMs + 999) / 1000));
  }

  /**
   * The key of a peer's address: IPv4 as is; IPv6 by its /64, which one host or subscriber
   * usually holds whole (else every one of its 2^64 addresses would start afresh).
   */
  public static String addressKey(SocketAddress remote) {
    return addressKey(remote == null ? null : remote.hostAddress());
  }

  /** The key of a client address given as an IP literal ({@code ClientAddress}'s answer). */
  public static String addressKey(String host) {
    if (host == null) {
      return "unknown";
    }
    if (host.indexOf(':') < 0) {
      return host;
    }
    try {
      byte[] raw = java.net.InetAddress.getByName(host).getAddress();
      if (raw.length != 16) {
        return host;
      }
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix.append(Integer.toHexString(((raw[i] & 0xff) << 8) | (raw[i + 1] & 0xff))).append(':');
      }
      return prefix.append(":/64").toString();
    } catch (java.net.UnknownHostException e) {
      return host;
    }
  }

  /** How many keys the throttle holds (tests: it stays bounded). */
  long size() {
    addresses.cleanUp();
    accounts.cleanUp();
    pairs.cleanUp();
    known.cleanUp();
    return addresses.estimatedSize() + accounts.estimatedSize() + pairs.estimatedSize() + known.estimatedSize();
  }

  private long waitNanos(Cache<String, Failures> cache, String key, long now) {
    Failures f = cache.getIfPresent(key);
    return f == null ? 0 : Math.max(0, f.nextAllowedNanos() - now);
  }

  /** Takes the key's next slot if it is under delay and free now; answers the wait if another took it. */
  private long claim(Cache<String, Failures> cache, String key, long now, long capMs) {
    long[] wait = {0};
    cache.asMap().computeIfPresent(key, (k, f) -> {
      if (f.count() < policy.freeFailures()) {
        return f;
      }
      if (f.nextAllowedNanos() > now) {
        wait[0] = f.nextAllowedNanos() - now;
        return f;
      }
      return new Failures(f.count(), now + delayNanos(f.count(), capMs));
    });
    return wait[0];
  }

  private int count(Cache<String, Failures> cache, String key, long now, long capMs) {
    Failures f = cache.asMap().compute(key, (k, old) -> {
      int count = old == null ? 1 : old.count() + 1;
      return new Failures(count, count >= policy.freeFailures() ? now + delayNanos(count, capMs) : 0);
    });
    return f.count();
  }

  /** The delay after {@code failures} in a row: nothing before the free ones, then doubling from the base, capped. */
  long delayNanos(int failures, long capMs) {
    if (failures < policy.freeFailures()) {
      return 0;
    }
    int doublings = Math.min(failures - policy.freeFailures(), 40);
    long ms = Math.min(capMs, policy.baseDelayMs() << doublings);
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  private static String pair(String account, String address) {
    return account + "\u0000" + address;
  }

  /** An account name as it may appear in a log line: names are typed by anyone, so only plain characters. */
  private static String printable(String account) {
    return account.length() <= 100 && account.matches("[A-Za-z0-9@._+-]*") ? account : "(unprintable name)";
  }
}
