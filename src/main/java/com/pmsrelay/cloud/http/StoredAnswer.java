package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.results.ResultFile;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes a kept result (an async query's, or the first answer to an idempotency key) to the
 * response in the answer's format, a segment at a time: each is read and decrypted on a worker,
 * and the next waits while the client's socket is congested.
 */
final class StoredAnswer {
  private final ResultFiles files;
  private final HttpServerResponse response;
  private final AnswerFormat format;
  private final String queryId;
  private final long queuedMs;
  private final long executionMs;
  private final long receivedNanos;
  private final Promise<Void> done = Promise.promise();
  private ResultFile.Reader reader;
  private boolean headWritten;
  private boolean anyRows;

  private StoredAnswer(ResultFiles files, HttpServerResponse response, AnswerFormat format, String queryId,
      long queuedMs, long executionMs, long receivedNanos) {
    this.files = files;
    this.response = response;
    this.format = format;
    this.queryId = queryId;
    this.queuedMs = queuedMs;
    this.executionMs = executionMs;
    this.receivedNanos = receivedNanos;
  }

  /**
   * Writes the result of {@code queryId}; fails with a problem if it cannot be read before
   * anything was written (after that, the response is ended so it cannot pass for a whole one).
   */
  static Future<Void> write(ResultFiles files, HttpServerResponse response, AnswerFormat format, String queryId,
      long queuedMs, long executionMs, long receivedNanos) {
    StoredAnswer answer = new StoredAnswer(files, response, format, queryId, queuedMs, executionMs, receivedNanos);
    files.open(queryId).onComplete(opened -> {
      if (opened.failed()) {
        answer.done.fail(unreadable());
        return;
      }
      answer.reader = opened.result();
      answer.done.future().onComplete(v -> files.close(answer.reader));
      response.closeHandler(v -> answer.done.tryFail(new RelayException(ErrorCode.CLIENT_CLOSED, "the client left")));
      answer.next(null);
    });
    return answer.done.future();
  }

  private void next(Buffer columns) {
    if (done.future().isComplete()) {
      return;
    }
    files.next(reader).onComplete(read -> {
      if (read.failed() || read.result() == null) {
        fail(unreadable());
        return;
      }
      ResultFile.Reader.Segment segment = read.result();
      Buffer cols = columns;
      Buffer out = Buffer.buffer();
      switch (segment.kind()) {
        case 1 -> { // columns
          cols = Buffer.buffer(segment.plain());
          next(cols);
          return;
        }
        case 2 -> { // rows
          if (!headWritten) {
            format.head(out, queryId, cols);
          }
          Rows rows = Rows.ofLines(segment.plain());
          format.rows(out, rows, !anyRows);
          anyRows |= !rows.isEmpty();
        }
        default -> { // the end
          JsonObject end = new JsonObject(Buffer.buffer(segment.plain()));
          if (!headWritten) {
            format.head(out, queryId, cols);
          }
          format.tail(out, new ResultMessage.End(end.getLong("rowCount", 0L), end.getBoolean("truncated", false),
              queuedMs, executionMs), (System.nanoTime() - receivedNanos) / 1_000_000);
          if (!headWritten) {
            response.putHeader("Content-Type", format.contentType());
          }
          headWritten = true;
          response.end(out);
          done.tryComplete();
          return;
        }
      }
      if (!headWritten) {
        headWritten = true;
        response.setChunked(true).putHeader("Content-Type", format.contentType());
      }
      response.write(out);
      Buffer keep = cols;
      if (response.writeQueueFull()) {
        response.drainHandler(v -> next(keep));
      } else {
        next(keep);
      }
    });
  }

  private void fail(RelayException problem) {
    if (headWritten && !response.closed()) {
      format.failAfterHead(response, problem);
    }
    done.tryFail(problem);
  }

  private static RelayException unreadable() {
    return new RelayException(ErrorCode.INTERNAL_ERROR, "the kept result cannot be read");
  }
}
