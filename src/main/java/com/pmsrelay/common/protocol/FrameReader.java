package com.pmsrelay.common.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * Splits a socket's bytes into frames, refusing any frame longer than {@code maxFrameBytes}
 * <em>before</em> buffering its body, so a peer cannot make us hold more than one small frame.
 * After a violation it reads nothing more; the owner closes the socket.
 */
public final class FrameReader implements Handler<Buffer> {
  /** What a frame handler may throw to end the connection: the frame broke the protocol. */
  public static final class ViolationException extends RuntimeException {
    public ViolationException(String reason) {
      super(reason, null, false, false);
    }
  }

  private final int maxFrameBytes;
  private final Handler<Buffer> onFrame;
  private final Handler<String> onViolation;
  private final RecordParser parser;
  private boolean readingLength = true;
  private boolean failed;

  /** Hands each frame's bytes (without the length) to {@code onFrame}. */
  public FrameReader(int maxFrameBytes, Handler<Buffer> onFrame, Handler<String> onViolation) {
    this.maxFrameBytes = maxFrameBytes;
    this.onFrame = onFrame;
    this.onViolation = onViolation;
    this.parser = RecordParser.newFixed(4, this::onRecord);
  }

  /** Hands each frame to {@code onFrame} as a JSON object; a frame that is not one is a violation. */
  public static FrameReader ofJson(int maxFrameBytes, Handler<JsonObject> onFrame, Handler<String> onViolation) {
    return new FrameReader(maxFrameBytes, bytes -> {
      JsonObject frame;
      try {
        frame = new JsonObject(bytes);
      } catch (DecodeException | ClassCastException e) {
        throw new ViolationException("frame is not a JSON object");
      }
      onFrame.handle(frame);
    }, onViolation);
  }

  @Override
  public void handle(Buffer bytes) {
    if (!failed) {
      parser.handle(bytes);
    }
  }

  private void onRecord(Buffer record) {
    if (failed) {
      return;
    }
    if (readingLength) {
      int length = record.getInt(0);
      if (length <= 0 || length > maxFrameBytes) {
        fail("frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of " + maxFrameBytes);
        return;
      }
      readingLength = false;
      parser.fixedSizeMode(length);
      return;
    }
    readingLength = true;
    parser.fixedSizeMode(4);
    try {
      onFrame.handle(record);
    } catch (ViolationException e) {
      fail(e.getMessage());
    }
  }

  private void fail(String reason) {
    failed = true;
    onViolation.handle(reason);
  }
}
