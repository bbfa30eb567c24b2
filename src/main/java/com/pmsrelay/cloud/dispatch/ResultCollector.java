package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers one query's stream messages into an immediate answer, checking their order and holding
 * no more than {@code maxBytes} of rows (beyond that the answer is cut and marked truncated).
 */
final class ResultCollector {
  private static final Logger LOG = LoggerFactory.getLogger(ResultCollector.class);
  private final long maxBytes;
  private long expectedSeq;
  private long bytes;
  private boolean truncated;
  private JsonArray columns;
  private final JsonArray rows = new JsonArray();
  private QueryResult result;

  ResultCollector(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Takes the next message; true once the stream has ended with a result. */
  boolean accept(JsonObject message) {
    String kind = message.getString(StreamMessages.KIND, "");
    if (StreamMessages.ERROR.equals(kind)) {
      ErrorCode code = ErrorCode.fromCode(message.getString("code"));
      throw new RelayException(code, message.getString("detail", ""), retryAfter(code));
    }
    long seq = message.getLong("seq", -1L);
    if (seq != expectedSeq++) {
      LOG.warn("a result stream from an agent is out of order: expected message {}, got {} ({})", expectedSeq - 1, seq, kind);
      throw new RelayException(ErrorCode.INTERNAL_ERROR, "the result stream from the agent was incomplete");
    }
    switch (kind) {
      case StreamMessages.COLUMNS -> columns = message.getJsonArray("columns");
      case StreamMessages.ROWS -> addRows(message.getJsonArray("rows"), message.getLong("bytes", 0L));
      case StreamMessages.END -> {
        if (columns == null) {
          throw new RelayException(ErrorCode.INTERNAL_ERROR, "the result stream from the agent had no columns");
        }
        result = new QueryResult(columns, rows, rows.size(), truncated || message.getBoolean("truncated", false),
            message.getLong("queuedMs", 0L), message.getLong("executionMs", 0L), bytes);
        return true;
      }
      default -> throw new RelayException(ErrorCode.INTERNAL_ERROR, "unexpected message from the agent");
    }
    return false;
  }

  /** Adds a chunk whole while under the cap; a chunk that would pass it is cut row by row. */
  private void addRows(JsonArray chunk, long chunkBytes) {
    if (truncated) {
      return;
    }
    if (bytes + chunkBytes <= maxBytes) {
      bytes += chunkBytes;
      rows.addAll(chunk);
      return;
    }
    for (Object row : chunk) {
      long size = ((JsonArray) row).toBuffer().length();
      if (bytes + size > maxBytes) {
        truncated = true;
        return;
      }
      bytes += size;
      rows.add(row);
    }
  }

  /** Seconds a client should wait before retrying, for the codes that carry Retry-After. */
  static Integer retryAfter(ErrorCode code) {
    return switch (code) {
      case QUEUE_FULL -> 1;
      case AGENT_OFFLINE, PMS_UNAVAILABLE -> 5;
      default -> null;
    };
  }

  QueryResult result() {
    return result;
  }
}
