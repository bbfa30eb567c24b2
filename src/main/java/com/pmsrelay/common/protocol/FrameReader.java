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
  private final int maxFrameBytes;
  private final Handler<JsonObject> onFrame;
  private final Handler<String> onViolation;
  private final RecordParser parser;
  private boolean readingLength = true;
  private boolean failed;

  public FrameReader(int maxFrameBytes, Handler<JsonObject> onFrame, Handler<String> onViolation) {
    this.maxFrameBytes = maxFrameBytes;
    this.onFrame = onFrame;
    this.onViolation = onViolation;
    this.parser = RecordParser.newFixed(4, this::onRecord);
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
    JsonObject frame;
    try {
      frame = new JsonObject(record);
    } catch (DecodeException | ClassCastException e) {
      fail("frame is not a JSON object");
      return;
    }
    onFrame.handle(frame);
  }

  private void fail(String reason) {
    failed = true;
    onViolation.handle(reason);
  }
}
