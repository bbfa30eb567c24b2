package com.pmsrelay.cloud.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle and header-read time-outs of one HTTP/1.1 connection. Vert.x's own idle time-out
 * (HttpServerOptions#setIdleTimeout) counts any byte as activity, so a client sending a header
 * byte every few seconds keeps it alive forever, and it also cuts a request that waits quietly for
 * a slow query; so the API keeps its own clock, one timer at a time per connection:
 *
 * <ul>
 *   <li>from the opening (after the TLS handshake, which has its own limit): the request head must
 *       be complete within {@code headerMs};
 *   <li>while a request is under way: no clock (the query's own time-outs bound it);
 *   <li>after the last answer, waiting for the next request: closed after {@code idleMs} without a
 *       byte; once the next request's first byte arrives, its head must be complete within
 *       {@code headerMs} (a slow-header client is cut off there, whatever it trickles).
 * </ul>
 *
 * Vert.x 5.0.7 tells the server when a request head is complete (the request handler) and the
 * router when its answer ends, but not when bytes arrive; a small Netty handler before the HTTP
 * decoder tells this clock. Everything runs on the connection's event loop; the timer is
 * cancelled when the connection closes, and nothing is kept per request.
 */
final class ConnectionTimeouts {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTimeouts.class);
  /** The name Vert.x 5.0.7 gives its HTTP/1.x request decoder in the channel pipeline. */
  static final String DECODER = "httpDecoder";
  static final String WATCH = "pmsrelay-byte-watch";
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Vertx vertx;
  private final Context context;
  private final Thread loop;
  private final HttpConnection connection;
  private final long idleMs;
  private final long headerMs;
  /** Requests whose answers have not ended yet (more than one only when a client pipelines). */
  private int underway;
  /** Requests begun on this connection: tells a first byte's report from a request begun since. */
  private long begun;
  private long timer = -1;
  /** The header clock runs: the next head has begun (or the connection just opened) and is not complete. */
  private boolean readingHead;
  /** A first byte was reported to the context and not yet handled (set and read on the event loop). */
  private boolean bytePending;
  private boolean closed;
  /** Whether the byte watch is in the pipeline (see {@link #watchBytes}). */
  private boolean seesBytes;

  private ConnectionTimeouts(Vertx vertx, HttpConnection connection, long idleMs, long headerMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.loop = Thread.currentThread();
    this.connection = connection;
    this.idleMs = idleMs;
    this.headerMs = headerMs;
  }

  /** Starts the clock of a connection just opened; call from the server's connection handler (its event loop). */
  static ConnectionTimeouts start(Vertx vertx, HttpConnection connection, long idleMs, long headerMs) {
    ConnectionTimeouts clock = new ConnectionTimeouts(vertx, connection, idleMs, headerMs);
    clock.seesBytes = clock.watchBytes();
    clock.readHead();
    return clock;
  }

  /** A request head is complete (the server's request handler): no clock while it is answered. */
  void requestBegun() {
    underway++;
    begun++;
    readingHead = false;
    cancel();
  }

  /** A request's answer ended (or its connection closed): with none left, the idle clock starts. */
  void answerEnded() {
    if (Thread.currentThread() == loop && Vertx.currentContext() != null) {
      ended();
    } else {
      context.runOnContext(v -> ended());
    }
  }

  void closed() {
    closed = true;
    cancel();
  }

  private void ended() {
    if (underway > 0) {
      underway--;
    }
    if (underway == 0 && !closed && !readingHead) {
      if (!seesBytes) {
        readHead();
        return;
      }
      cancel();
      timer = vertx.setTimer(idleMs, id -> {
        timer = -1;
        connection.close();
      });
    }
  }

  /**
   * Bytes of a next request arrived while none was under way: its head has {@code headerMs} from
   * now, unless it was complete by the time this ran (a request begun since: {@code begunBefore}).
   */
  private void firstByte(long begunBefore) {
    bytePending = false;
    if (begun == begunBefore && underway == 0 && !closed && !readingHead) {
      readHead();
    }
  }

  private void readHead() {
    readingHead = true;
    cancel();
    timer = vertx.setTimer(headerMs, id -> {
      timer = -1;
      LOG.debug("closed a connection from {}: no complete request head within {} ms", connection.remoteAddress(),
          headerMs);
      connection.close();
    });
  }

  private void cancel() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Puts a byte watch before the HTTP decoder. Without it (a Vert.x whose pipeline differs) the
   * clock cannot tell a next request's first byte: the header clock then starts at each answer's
   * end, so a kept-alive connection gets {@code headerMs} for its next request instead of
   * {@code idleMs}, the stricter of the two.
   */
  private boolean watchBytes() {
    ChannelPipeline pipeline = connection instanceof io.vertx.core.http.impl.HttpServerConnection internal
        ? internal.channelHandlerContext().pipeline() : null;
    if (pipeline != null && pipeline.get(DECODER) != null) {
      pipeline.addBefore(DECODER, WATCH, new ByteWatch());
      return true;
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("the HTTP pipeline has no '{}': a kept-alive connection gets the header time-out, not the idle one, "
          + "between requests", DECODER);
    }
    return false;
  }

  /** Sees each read before the decoder, on the connection's event loop, and passes it on untouched. */
  private final class ByteWatch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (underway == 0 && !readingHead && !bytePending && !closed) {
        bytePending = true;
        long begunBefore = begun;
        context.runOnContext(v -> firstByte(begunBefore));
      }
      ctx.fireChannelRead(msg);
    }
  }
}
