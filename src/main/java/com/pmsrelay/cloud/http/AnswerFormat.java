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

  /** Appends what comes before the first row to {@code out}; {@code columns} is a JSON array's bytes. */
  void head(Buffer out, String queryId, Buffer columns);

  /** Appends rows to {@code out}; {@code first} when no row was written before. */
  void rows(Buffer out, Rows rows, boolean first);

  /** Appends what follows the last row to {@code out}. */
  void tail(Buffer out, ResultMessage.End end, long totalMs);

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
    public void head(Buffer out, String queryId, Buffer columns) {
      out.appendString("{\"queryId\":").appendString(com.pmsrelay.common.protocol.JsonText.quote(queryId))
          .appendString(",\"status\":\"succeeded\",\"columns\":").appendBuffer(columns).appendString(",\"rows\":[");
    }

    @Override
    public void rows(Buffer out, Rows rows, boolean first) {
      if (!first) {
        out.appendByte((byte) ',');
      }
      rows.appendElements(out);
    }

    @Override
    public void tail(Buffer out, ResultMessage.End end, long totalMs) {
      out.appendString("],\"rowCount\":").appendString(Long.toString(end.rowCount()))
          .appendString(",\"truncated\":").appendString(Boolean.toString(end.truncated()))
          .appendString(",\"timing\":{\"queuedMs\":").appendString(Long.toString(end.queuedMs()))
          .appendString(",\"executionMs\":").appendString(Long.toString(end.executionMs()))
          .appendString(",\"totalMs\":").appendString(Long.toString(totalMs)).appendString("}}");
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
    public void head(Buffer out, String queryId, Buffer columns) {
      out.appendString("{\"columns\":").appendBuffer(columns).appendString("}\n");
    }

    @Override
    public void rows(Buffer out, Rows rows, boolean first) {
      rows.appendLines(out);
    }

    @Override
    public void tail(Buffer out, ResultMessage.End end, long totalMs) {
      out.appendString("{\"end\":true,\"rowCount\":").appendString(Long.toString(end.rowCount()))
          .appendString(",\"truncated\":").appendString(Boolean.toString(end.truncated())).appendString("}\n");
    }

    @Override
    public void failAfterHead(HttpServerResponse response, RelayException problem) {
      JsonObject error = Problems.body(problem, null);
      response.end(new JsonObject().put("error", error).toBuffer().appendByte((byte) '\n'));
    }
  };
}
