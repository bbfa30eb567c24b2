package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.dispatch.Flow;
import com.pmsrelay.cloud.dispatch.ResultConsumer;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one query's answer to the HTTP response as the result streams in, never holding more
 * than the messages in flight: while the client's socket is congested the stream is paused, so
 * the agent gets no credit and reads no further rows. The status goes out with the first rows, so
 * a query that fails before them still gets its problem answer; one that fails after them ends the
 * response so that it cannot pass for a whole one. A result that arrives in one message is one
 * write with a Content-Length.
 */
final class StreamedAnswer implements ResultConsumer {
  private final HttpServerResponse response;
  private final AnswerFormat format;
  private final String queryId;
  private final long receivedNanos;
  private final Promise<ResultMessage.End> done = Promise.promise();
  private final Flow stream;
  private Buffer columns;
  private boolean headWritten;
  private boolean anyRows;

  /**
   * Writes to {@code response}, slowing {@code stream} while the client's socket is congested;
   * {@code onClientGone} runs if the client leaves first.
   */
  StreamedAnswer(HttpServerResponse response, AnswerFormat format, String queryId, long receivedNanos, Flow stream,
      Runnable onClientGone) {
    this.response = response;
    this.format = format;
    this.queryId = queryId;
    this.receivedNanos = receivedNanos;
    this.stream = stream;
    response.closeHandler(v -> {
      stream.resume(); // never hold the stream for a reader that is gone
      onClientGone.run();
      done.tryFail(new RelayException(ErrorCode.CLIENT_CLOSED, "the client closed the connection"));
    });
    response.drainHandler(v -> stream.resume());
  }

  /**
   * Completes when the answer was written whole, fails with the problem otherwise (already
   * written if the head went out: then {@link #answered()} is true).
   */
  Future<ResultMessage.End> done() {
    return done.future();
  }

  /** Whether the client already has its answer's status (a later problem cannot be sent as one). */
  boolean answered() {
    return headWritten;
  }

  @Override
  public void next(Buffer columnsNow, Rows rows, ResultMessage.End end) {
    if (columnsNow != null) {
      columns = columnsNow;
    }
    if (response.closed()) {
      return;
    }
    if (!headWritten && rows.isEmpty() && end == null) {
      return; // columns alone: the status waits for the first rows
    }
    Buffer out = Buffer.buffer((int) Math.min(Integer.MAX_VALUE, 256 + rows.bytes() + 2L * rows.count()
        + (columns == null ? 0 : columns.length())));
    boolean first = !headWritten;
    if (first) {
      format.head(out, queryId, columns);
    }
    if (!rows.isEmpty()) {
      format.rows(out, rows, !anyRows);
      anyRows = true;
    }
    if (end != null) {
      format.tail(out, end, (System.nanoTime() - receivedNanos) / 1_000_000);
      if (first) {
        headWritten = true;
        response.putHeader("Content-Type", format.contentType());
      }
      response.end(out);
      done.tryComplete(end);
      return;
    }
    if (first) {
      headWritten = true;
      response.setChunked(true).putHeader("Content-Type", format.contentType());
    }
    response.write(out);
    if (response.writeQueueFull()) {
      stream.pause(); // resumed by the drain handler
    }
  }

  @Override
  public void failed(RelayException problem) {
    if (headWritten && !response.closed()) {
      format.failAfterHead(response, problem);
    }
    done.tryFail(problem);
  }
}
