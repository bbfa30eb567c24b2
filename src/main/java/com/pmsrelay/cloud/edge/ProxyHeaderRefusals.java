package com.pmsrelay.cloud.edge;

import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's exception handler when it expects the PROXY protocol: a connection without a valid
 * header (a client that bypassed the load balancer, a load balancer not set to send it) has been
 * closed by Netty's decoder before any TLS or byte of ours; this says so in one line, without a
 * stack. At most one INFO line a minute per listener (with the count since), the others at DEBUG:
 * whoever reaches the port cannot flood the log. Other connection failures (a TLS handshake
 * refused) stay at DEBUG, as Vert.x leaves them. Any thread.
 */
public final class ProxyHeaderRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderRefusals.class);
  static final long INFO_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String key;
  private final LongSupplier nanoTime;
  private final AtomicLong lastInfo = new AtomicLong();
  private final AtomicLong unlogged = new AtomicLong();
  private volatile boolean loggedOnce;

  /** {@code key}: the config key that turned the PROXY protocol on, named in the line. */
  public ProxyHeaderRefusals(String key) {
    this(key, System::nanoTime);
  }

  ProxyHeaderRefusals(String key, LongSupplier nanoTime) {
    this.key = key;
    this.nanoTime = nanoTime;
  }

  /** The server's exception handler. */
  public void failed(Throwable cause) {
    if (!(cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException)) {
      LOG.debug("connection failed before it was opened ({}): {}", key, cause.toString());
      return;
    }
    long now = nanoTime.getAsLong();
    long last = lastInfo.get();
    boolean due = !loggedOnce || now - last >= INFO_INTERVAL_NANOS;
    if (due && lastInfo.compareAndSet(last, now)) {
      loggedOnce = true;
      LOG.info("refused a connection without a valid PROXY protocol header ({} is true: only the load balancer may "
          + "connect, and it must send the header): {}; {} more refused since the last line", key,
          brief(reason(cause)), unlogged.getAndSet(0));
    } else {
      unlogged.incrementAndGet();
      LOG.debug("refused a connection without a valid PROXY protocol header ({}): {}", key, brief(reason(cause)));
    }
  }

  /** The innermost cause's message: Netty wraps the parser's exception, whose message names the defect. */
  private static String reason(Throwable cause) {
    Throwable inner = cause;
    for (int depth = 0; inner.getCause() != null && inner.getCause() != inner && depth < 8; depth++) {
      inner = inner.getCause();
    }
    return inner.getMessage();
  }

  /** Netty's reason, without the bytes it quotes after a colon (the peer's: they may be anything, even a secret). */
  static String brief(String message) {
    if (message == null) {
      return "no header";
    }
    int colon = message.indexOf(':');
    String reason = (colon < 0 ? message : message.substring(0, colon)).replaceAll("\\p{Cntrl}", "?");
    return reason.length() > 120 ? reason.substring(0, 120) + "…" : reason;
  }
}
