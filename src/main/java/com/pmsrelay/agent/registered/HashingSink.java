package com.pmsrelay.agent.registered;

import com.pmsrelay.agent.exec.Outgoing;
import com.pmsrelay.agent.exec.ResultSink;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The sink of one scheduled run of a registered query: hashes the result as it comes (SHA-256 over
 * the encoded columns and rows, each followed by a newline, then whether it was cut) and keeps its
 * messages, so that a changed result can be sent to the cloud as it was read, without a second
 * read of the database. What it keeps is bounded by the run's byte cap (the registration's
 * {@code maxBytes}, itself capped by the agent's {@code registered.maxResultBytes}).
 */
final class HashingSink implements ResultSink {
  /** How a run ended: its hash and kept messages, or the error it failed with. */
  record Result(String hash, List<Outgoing> messages, ResultMessage.End end, long bytes, ErrorCode error, String detail) {
    boolean succeeded() {
      return error == null;
    }
  }

  private final int maxMessageBytes;
  private final MessageDigest digest;
  private final List<Outgoing> messages = new ArrayList<>();
  private final Promise<Result> done = Promise.promise();
  private long bytes;
  private volatile boolean closed;

  HashingSink(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Completes (on the thread of the last message) when the run ends; never fails. */
  Future<Result> done() {
    return done.future();
  }

  @Override
  public synchronized boolean send(Outgoing message, long deadlineNanos) {
    if (closed || done.future().isComplete()) {
      return false;
    }
    ResultMessage decoded;
    try {
      decoded = ResultMessage.decode(message.body());
    } catch (ResultMessage.MalformedException e) {
      finish(new Result(null, List.of(), null, 0, ErrorCode.INTERNAL_ERROR, "the result could not be read back"));
      return false;
    }
    if (decoded.error() != null) {
      finish(new Result(null, List.of(), null, 0, decoded.error().code(), decoded.error().detail()));
      return true;
    }
    messages.add(message);
    bytes += message.body().length();
    if (decoded.columns() != null) {
      digest.update(decoded.columns().getBytes());
      digest.update((byte) '\n');
    }
    if (!decoded.rows().isEmpty()) {
      digest.update(decoded.rows().appendLines(Buffer.buffer((int) decoded.rows().bytes() + decoded.rows().count()))
          .getBytes());
    }
    if (decoded.end() != null) {
      digest.update(("truncated:" + decoded.end().truncated()).getBytes(StandardCharsets.US_ASCII));
      finish(new Result(HexFormat.of().formatHex(digest.digest()), List.copyOf(messages), decoded.end(), bytes, null, null));
    }
    return true;
  }

  private void finish(Result result) {
    messages.clear();
    done.tryComplete(result);
  }

  /** No one will read this run any more (the link was lost, or it ran past its time): it stops at its next message. */
  void close(ErrorCode code, String detail) {
    closed = true;
    done.tryComplete(new Result(null, List.of(), null, 0, code, detail));
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public int maxMessageBytes() {
    return maxMessageBytes;
  }
}
