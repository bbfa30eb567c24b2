package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.buffer.Buffer;

/**
 * Who reads one query's result as it streams in (an HTTP answer, an async result file), on the
 * context that dispatched the query. It slows the stream with {@link QueryStream#pause()} and
 * speeds it up again with {@link QueryStream#resume()}.
 */
public interface ResultConsumer {
  /**
   * The next part of the result, in order: {@code columns} the first time (a JSON array's bytes,
   * else null), {@code rows} (possibly none), {@code end} the last time (else null).
   */
  void next(Buffer columns, Rows rows, ResultMessage.End end);

  /** The query failed (at the agent, on the way, or it was cancelled); nothing follows. */
  void failed(RelayException problem);
}
