package com.pmsrelay.common.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

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

  private int maxFrameBytes;
  private final Handler<Buffer> onFrame;
  private final Handler<String> onViolation;
  /** The start of a frame (or of its length) whose rest has not come yet; null when none. */
  private Buffer partial;
  private boolean failed;

  /** Hands each frame's bytes (without the length) to {@code onFrame}. */
  public FrameReader(int maxFrameBytes, Handler<Buffer> onFrame, Handler<String> onViolation) {
    this.maxFrameBytes = maxFrameBytes;
    this.onFrame = onFrame;
    this.onViolation = onViolation;
  }

  /** Changes the limit for the frames still to come (a peer that authenticated may send larger ones). */
  public void maxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
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

  /**
   * Frames wholly in {@code bytes} are handed over as slices of it, without a copy; only a frame
   * split across reads is gathered, and only once its length is known to be within the limit.
   */
  @Override
  public void handle(Buffer bytes) {
    if (failed) {
      return;
    }
    Buffer data = bytes;
    if (partial != null) {
      data = partial.appendBuffer(bytes);
      partial = null;
    }
    int pos = 0;
    int length = data.length();
    while (length - pos >= 4) {
      int frameLength = data.getInt(pos);
      if (frameLength <= 0 || frameLength > maxFrameBytes) {
        fail("frame of " + Integer.toUnsignedString(frameLength) + " bytes exceeds the limit of " + maxFrameBytes);
        return;
      }
      if (length - pos - 4 < frameLength) {
        break;
      }
      Buffer frame = data.slice(pos + 4, pos + 4 + frameLength);
      pos += 4 + frameLength;
      try {
        onFrame.handle(frame);
      } catch (ViolationException e) {
        fail(e.getMessage());
        return;
      }
      if (failed) {
        return;
      }
    }
    if (pos < length) {
      partial = data.getBuffer(pos, length);
    }
  }

  private void fail(String reason) {
    failed = true;
    onViolation.handle(reason);
  }
}
