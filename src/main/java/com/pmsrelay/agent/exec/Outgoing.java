package com.pmsrelay.agent.exec;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.buffer.Buffer;

/**
 * One encoded result message on its way to the cloud ({@link ResultMessage}'s wire form), with what
 * the sinks need to know of it: whether it carries rows (and so costs a credit) and whether it
 * ends the stream.
 */
public record Outgoing(Buffer body, boolean withRows, boolean last) {

  static Outgoing error(long seq, ErrorCode code, String detail) {
    return new Outgoing(ResultMessage.error(seq, code, detail), false, true);
  }
}
