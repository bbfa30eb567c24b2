package com.pmsrelay.bench;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.agent.link.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many TLS connections from this JVM to one server on loopback, each opened the way an agent
 * dials the cloud ({@link AgentLink#clientOptions}: the pinned certificate, the agent's
 * time-outs), with at most {@code inFlight} being opened at a time (or all at once, a storm). A
 * failed attempt is retried with the agent's own {@link Backoff} until a deadline, as a real agent
 * retries. Each connection names its own peer host, so no two share a TLS session (as no two
 * practices' agents would): every handshake is a full one. Blocking: call it off the event loops.
 */
final class Swarm implements AutoCloseable {
  /** Opens connection {@code i}; the future completes when it is done (for an agent: registered). */
  interface Opener {
    Future<NetSocket> open(NetClient client, ConnectOptions to, int i, Handler<Void> onClosed);
  }

  /** One {@link #growTo}: how many were asked for, done, retried, given up; when each was done. */
  record Outcome(int requested, int done, int failed, int retries, LatencyRecorder timeToDone, long lastDoneNanos,
      Map<String, Integer> failureCauses) {
    /** Connections done per second, from the start until the last was done. */
    double perSecond() {
      return done == 0 ? Double.NaN : done * 1e9 / lastDoneNanos;
    }

    JsonObject toJson() {
      JsonObject causes = new JsonObject();
      failureCauses.forEach(causes::put);
      return new JsonObject().put("requested", requested).put("done", done).put("failed", failed).put("retries", retries)
          .put("allDoneMs", Spread.round(lastDoneNanos / 1e6)).put("perSecond", Spread.round(perSecond()))
          .put("timeToDone", timeToDone.millisJson()).put("failureCauses", causes);
    }
  }

  private final Vertx vertx;
  private final AgentConfig.CloudLink link;
  private final Opener opener;
  private final NetClient client;
  private final AtomicInteger open = new AtomicInteger();
  private int requested;

  Swarm(Vertx vertx, AgentConfig.CloudLink link, Opener opener) {
    this.vertx = vertx;
    this.link = link;
    this.opener = opener;
    this.client = vertx.createNetClient(AgentLink.clientOptions(link));
  }

  /** Connections open now (done and not closed since). */
  int open() {
    return open.get();
  }

  /** Opens connections {@code requested()..total-1}, at most {@code inFlight} at a time, until all are done or the deadline. */
  Outcome growTo(int total, int inFlight, Duration deadline) throws InterruptedException {
    int count = total - requested;
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch settled = new CountDownLatch(count);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    AtomicLong lastDone = new AtomicLong();
    Map<String, Integer> causes = new ConcurrentHashMap<>();
    LatencyRecorder timeToDone = new LatencyRecorder();
    for (int i = requested; i < total; i++) {
      if (!permits.tryAcquire(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      int index = i;
      new Attempt(index, Backoff.of(link), end, ok -> {
        if (ok == null) {
          long took = System.nanoTime() - start;
          timeToDone.record(took);
          lastDone.accumulateAndGet(took, Math::max);
          done.incrementAndGet();
        } else {
          failed.incrementAndGet();
          causes.merge(ok, 1, Integer::sum);
        }
        permits.release();
        settled.countDown();
      }, retries, causes).run();
    }
    settled.await(Math.max(0, end - System.nanoTime()) + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    requested = total;
    int settledCount = done.get() + failed.get();
    return new Outcome(count, done.get(), count - done.get(), retries.get(), timeToDone, lastDone.get(),
        settledCount == count ? causes : withUnsettled(causes, count - settledCount));
  }

  private static Map<String, Integer> withUnsettled(Map<String, Integer> causes, int unsettled) {
    causes.merge("still opening at the deadline", unsettled, Integer::sum);
    return causes;
  }

  /** One connection's attempts; {@code settle} gets null when done, else why it was given up. */
  private final class Attempt implements Runnable {
    private final int index;
    private final Backoff backoff;
    private final long end;
    private final Handler<String> settle;
    private final AtomicInteger retries;
    private final Map<String, Integer> causes;

    Attempt(int index, Backoff backoff, long end, Handler<String> settle, AtomicInteger retries, Map<String, Integer> causes) {
      this.index = index;
      this.backoff = backoff;
      this.end = end;
      this.settle = settle;
      this.retries = retries;
      this.causes = causes;
    }

    @Override
    public void run() {
      AtomicBoolean counted = new AtomicBoolean();
      Handler<Void> onClosed = v -> {
        if (counted.compareAndSet(true, false)) {
          open.decrementAndGet();
        }
      };
      opener.open(client, connectOptions(index), index, onClosed).onComplete(result -> {
        if (result.succeeded()) {
          counted.set(true);
          open.incrementAndGet();
          settle.handle(null);
          return;
        }
        String cause = describe(result.cause());
        long delayMs = backoff.nextDelayMs();
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) < end) {
          retries.incrementAndGet();
          causes.merge("retried: " + cause, 1, Integer::sum);
          vertx.setTimer(delayMs, id -> run());
        } else {
          settle.handle(cause);
        }
      });
    }
  }

  /** Loopback, with a peer host of this connection's own: its TLS session is its own. */
  private ConnectOptions connectOptions(int index) {
    return new ConnectOptions().setSsl(true).setRemoteAddress(SocketAddress.inetSocketAddress(link.port(), link.host()))
        .setHost("peer-" + index + ".bench").setPort(link.port());
  }

  private static String describe(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return e.getClass().getSimpleName() + ": " + (message.length() > 80 ? message.substring(0, 80) : message);
  }

  /** The plain TLS connection of the baseline: done once the handshake is, then held doing nothing. */
  /**
   * Connections that ping as an idle agent does (the same frame every {@code intervalMs}, spread
   * over the interval) and read what comes back: on {@link RawTlsServer}, which answers each with a
   * pong, the floor of what idle agents' heartbeats cost any TLS server on this machine.
   */
  static Opener pingingTls(Vertx vertx, long intervalMs) {
    byte[] ping = com.pmsrelay.common.protocol.Frames.encode(com.pmsrelay.common.protocol.Frames.ping(0, 0)).getBytes();
    return (client, to, i, onClosed) -> client.connect(to).map(socket -> {
      long timer = vertx.setPeriodic(1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(intervalMs), intervalMs,
          id -> socket.write(io.vertx.core.buffer.Buffer.buffer(ping)));
      socket.handler(bytes -> { });
      socket.closeHandler(v -> {
        vertx.cancelTimer(timer);
        onClosed.handle(null);
      });
      return socket;
    });
  }

  static Future<NetSocket> tlsOnly(NetClient client, ConnectOptions to, int i, Handler<Void> onClosed) {
    return client.connect(to).map(socket -> {
      socket.handler(bytes -> { });
      socket.closeHandler(onClosed);
      return socket;
    });
  }

  /** Closes every connection (closing the client closes its sockets). */
  @Override
  public void close() {
    try {
      client.close().await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the connections did not close within 30 s", e);
    }
  }
}
