package com.pmsrelay.agent.exec;

/**
 * Where one query's result messages go (the query's stream on the bridge). {@link #send} of a
 * message with rows waits, on a worker, until the reader has granted a credit for it: that is how
 * a slow reader slows the query, down to the database, and how memory stays bounded.
 */
@FunctionalInterface
public interface ResultSink {
  /**
   * Sends one message, in order; false if it was not sent: no one reads the stream any more (the
   * link is gone, the query was cancelled) or no credit came before {@code deadlineNanos}.
   */
  boolean send(Outgoing message, long deadlineNanos);

  /** The largest message the reader takes (the cloud's frame limit, less the frame's envelope). */
  int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 - 1024;

  default int maxMessageBytes() {
    return DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** False once no one reads the stream any more (cancelled, or the link is gone). */
  default boolean isOpen() {
    return true;
  }

  /** The messages with rows this sink takes before it must wait for credit. */
  default int credit() {
    return Integer.MAX_VALUE;
  }
}
