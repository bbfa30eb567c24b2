package com.pmsrelay.agent.link;

import com.pmsrelay.agent.exec.Outgoing;
import com.pmsrelay.agent.exec.ResultSink;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * One query's result stream on one connection to the cloud. A message with rows takes one credit;
 * without credit a worker waits for the cloud to grant more (its reader drained what it had), or
 * for the socket to drain, up to the query's deadline. Closed when its last message is sent, when
 * the cloud cancels the query, or with the connection.
 */
final class StreamSink implements ResultSink {
  private final NetSocket socket;
  /** The socket's context: only its event loop writes to the socket (see {@link #write}). */
  private final Context context;
  private final String address;
  private final int maxMessageBytes;
  private final int initialCredit;
  private final Runnable onClose;
  private int credit;
  private boolean closed;
  /** Whether any message (or an acknowledgement) went out: the cloud knows the agent has the query. */
  private volatile boolean answered;

  StreamSink(NetSocket socket, Context context, String address, int credit, int maxMessageBytes, Runnable onClose) {
    this.socket = socket;
    this.context = context;
    this.address = address;
    this.credit = credit;
    this.initialCredit = credit;
    this.maxMessageBytes = maxMessageBytes;
    this.onClose = onClose;
  }

  @Override
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  @Override
  public synchronized int credit() {
    return credit;
  }

  int initialCredit() {
    return initialCredit;
  }

  @Override
  public synchronized boolean isOpen() {
    return !closed;
  }

  @Override
  public boolean send(Outgoing message, long deadlineNanos) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (message.withRows()) {
        // Never wait on an event loop (a shared execution's replay fits the credit by construction).
        if (!Context.isOnEventLoopThread() && !awaitCredit(deadlineNanos)) {
          return false;
        }
        credit--;
      }
      if (message.last()) {
        closed = true;
      }
      answered = true;
      write(Frames.appendSend(Buffer.buffer(message.body().length() + 96), address, message.body()));
    }
    if (message.last()) {
      onClose.run();
    }
    return true;
  }

  /** Waits for credit and for the socket to drain; false at the deadline or once closed. */
  private boolean awaitCredit(long deadlineNanos) {
    while (!closed && (credit <= 0 || socket.writeQueueFull())) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        // Woken by credit and by the connection's drain or close; the bounded wait re-checks the socket.
        wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !closed;
  }

  synchronized void grant(int messages) {
    credit += messages;
    notifyAll();
  }

  synchronized void wake() {
    notifyAll();
  }

  /** No one reads this stream any more (cancelled, or the connection is gone). */
  void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    onClose.run();
  }

  boolean answered() {
    return answered;
  }

  /** Tells the cloud the agent has the query, if nothing else has yet. */
  void acknowledge(Buffer ack) {
    synchronized (this) {
      if (closed || answered) {
        return;
      }
      answered = true;
      write(Frames.appendSend(Buffer.buffer(96), address, ack));
    }
  }

  /**
   * Writes on the socket's event loop, in the order of the calls (made under this sink's lock).
   * Vert.x 5.0.7 queues a write from another thread before it counts it
   * ({@code MessagePassingQueue.add}), so with several threads writing to one socket (the query
   * workers), one descheduled in between let a later write overtake an earlier one: a query's end
   * reached the cloud before its rows (AgentLinkStreamOrderTest). Tasks run in submission order.
   */
  private void write(Buffer frame) {
    context.runOnContext(v -> socket.write(frame));
  }
}
