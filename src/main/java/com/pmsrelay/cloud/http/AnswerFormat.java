package com.pmsrelay.cloud.http;

import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * How a query's answer is written as it streams (API.md, "Queries"): the immediate JSON document
 * or NDJSON lines. Rows are written as the agent encoded them.
 */
interface AnswerFormat {
  String contentType();

  /** What comes before the first row; {@code columns} is a JSON array's bytes. */
  Buffer head(String queryId, Buffer columns);

  /** Rows; {@code first} when no row was written before. */
  Buffer rows(Rows rows, boolean first);

  /** What follows the last row. */
  Buffer tail(ResultMessage.End end, long totalMs);

  /**
   * The query failed after the head went out, so the status is sent: the client must still see
   * that the answer is incomplete.
   */
  void failAfterHead(HttpServerResponse response, RelayException problem);

  /** The JSON document: {@code {"queryId", "status", "columns", "rows": [...], "rowCount", "truncated", "timing"}}. */
  AnswerFormat JSON = new AnswerFormat() {
    @Override
    public String contentType() {
      return "application/json";
    }

    @Override
    public Buffer head(String queryId, Buffer columns) {
      return Buffer.buffer(128 + columns.length()).appendString("{\"queryId\":")
          .appendString(io.vertx.core.json.Json.encode(queryId)).appendString(",\"status\":\"succeeded\",\"columns\":")
          .appendBuffer(columns).appendString(",\"rows\":[");
    }

    @Override
    public Buffer rows(Rows rows, boolean first) {
      Buffer elements = rows.asArrayElements();
      return first ? elements : Buffer.buffer(elements.length() + 1).appendByte((byte) ',').appendBuffer(elements);
    }

    @Override
    public Buffer tail(ResultMessage.End end, long totalMs) {
      JsonObject timing = new JsonObject().put("queuedMs", end.queuedMs()).put("executionMs", end.executionMs())
          .put("totalMs", totalMs);
      return Buffer.buffer(128).appendString("],\"rowCount\":").appendString(Long.toString(end.rowCount()))
          .appendString(",\"truncated\":").appendString(Boolean.toString(end.truncated()))
          .appendString(",\"timing\":").appendBuffer(timing.toBuffer()).appendByte((byte) '}');
    }

    @Override
    public void failAfterHead(HttpServerResponse response, RelayException problem) {
      response.reset(); // the document stays unfinished: no client can take it for a whole answer
    }
  };

  /** NDJSON: a columns line, one array per row, an end line; a failed stream ends with an error line instead. */
  AnswerFormat NDJSON = new AnswerFormat() {
    @Override
    public String contentType() {
      return "application/x-ndjson";
    }

    @Override
    public Buffer head(String queryId, Buffer columns) {
      return Buffer.buffer(columns.length() + 13).appendString("{\"columns\":").appendBuffer(columns).appendString("}\n");
    }

    @Override
    public Buffer rows(Rows rows, boolean first) {
      return rows.appendLines(Buffer.buffer((int) Math.min(Integer.MAX_VALUE, rows.bytes() + rows.count())));
    }

    @Override
    public Buffer tail(ResultMessage.End end, long totalMs) {
      return new JsonObject().put("end", true).put("rowCount", end.rowCount()).put("truncated", end.truncated())
          .toBuffer().appendByte((byte) '\n');
    }

    @Override
    public void failAfterHead(HttpServerResponse response, RelayException problem) {
      JsonObject error = Problems.body(problem, null);
      response.end(new JsonObject().put("error", error).toBuffer().appendByte((byte) '\n'));
    }
  };
}
