package com.pmsrelay.common.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Arrays;

/**
 * One message of a query's result stream, from the agent to the cloud: the body of a bridge
 * {@code send} to the query's stream address. Every part is optional, in this order:
 * <pre>
 * {"seq": n, "columns": [{"name", "type"}, ...], "rows": [[...], ...], "end": {"rowCount", "truncated", "queuedMs", "executionMs"}}
 * {"seq": n, "error": {"code", "detail"}}
 * {"ack": true}
 * </pre>
 * {@code seq} counts a stream's messages from 0, so a gap is seen. The first message carries the
 * columns; exactly one message ends the stream, with {@code end} or {@code error}; a message with
 * rows costs the sender one credit (the cloud grants them as its reader drains). {@code ack} says
 * the agent has the query (sent when its answer does not follow at once) and carries no seq.
 *
 * <p>Rows stay bytes ({@link Rows}): the cloud checks their syntax but never decodes them.
 */
public final class ResultMessage {
  /** How the stream ended well. */
  public record End(long rowCount, boolean truncated, long queuedMs, long executionMs) {}

  /** How the stream ended badly: a problem of the contract. */
  public record Failure(ErrorCode code, String detail) {}

  /** A message that cannot be read: the sender broke the protocol. */
  public static final class MalformedException extends Exception {
    MalformedException(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] ACK = "{\"ack\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final long seq;
  private final boolean ack;
  /** The columns as the agent encoded them (a JSON array), passed through like the rows. */
  private final Buffer columns;
  private final Rows rows;
  private final End end;
  private final Failure error;
  /** The encoded message: {@code data[from, to)}. */
  private final byte[] data;
  private final int from;
  private final int to;

  private ResultMessage(long seq, boolean ack, Buffer columns, Rows rows, End end, Failure error, byte[] data,
      int from, int to) {
    this.seq = seq;
    this.ack = ack;
    this.columns = columns;
    this.rows = rows;
    this.end = end;
    this.error = error;
    this.data = data;
    this.from = from;
    this.to = to;
  }

  public long seq() {
    return seq;
  }

  public boolean isAck() {
    return ack;
  }

  /** The result's columns (the first message only) as a JSON array's bytes, else null. */
  public Buffer columns() {
    return columns;
  }

  /** Never null; empty when the message carries no rows. */
  public Rows rows() {
    return rows;
  }

  public End end() {
    return end;
  }

  public Failure error() {
    return error;
  }

  /** Whether this message ends its stream (with an end or an error). */
  public boolean isFinal() {
    return end != null || error != null;
  }

  /** The message as it was encoded (to send it on, across the cluster). */
  public Buffer encoded() {
    return Buffer.buffer(to - from).appendBytes(data, from, to - from);
  }

  // ---- encoding (the agent) ----

  /**
   * A result message; {@code columns} (a JSON array, encoded), {@code rowElements} (rows as JSON
   * array elements, {@code [1,"a"],[2,"b"]}) and {@code end} may each be null.
   */
  public static Buffer encode(long seq, Buffer columns, Buffer rowElements, End end) {
    Buffer body = Buffer.buffer(64 + (rowElements == null ? 0 : rowElements.length())
        + (columns == null ? 0 : columns.length()));
    body.appendString("{\"seq\":").appendString(Long.toString(seq));
    if (columns != null) {
      body.appendString(",\"columns\":").appendBuffer(columns);
    }
    if (rowElements != null) {
      body.appendString(",\"rows\":[").appendBuffer(rowElements).appendByte((byte) ']');
    }
    if (end != null) {
      body.appendString(",\"end\":{\"rowCount\":").appendString(Long.toString(end.rowCount()))
          .appendString(",\"truncated\":").appendString(Boolean.toString(end.truncated()))
          .appendString(",\"queuedMs\":").appendString(Long.toString(end.queuedMs()))
          .appendString(",\"executionMs\":").appendString(Long.toString(end.executionMs())).appendByte((byte) '}');
    }
    return body.appendByte((byte) '}');
  }

  public static Buffer error(long seq, ErrorCode code, String detail) {
    return new JsonObject().put("seq", seq).put("error", new JsonObject().put("code", code.code()).put("detail", detail))
        .toBuffer();
  }

  public static Buffer ack() {
    return Buffer.buffer(ACK);
  }

  // ---- decoding (the cloud) ----

  public static ResultMessage decode(Buffer body) throws MalformedException {
    byte[] bytes = body.getBytes();
    try (JsonParser p = JSON.createParser(bytes)) {
      p.nextToken();
      ResultMessage message = read(p, bytes);
      if (p.nextToken() != null) {
        throw new MalformedException("content after the message");
      }
      return message;
    } catch (IOException e) {
      throw new MalformedException("a result message is not valid JSON");
    }
  }

  /** Reads the message at the parser's current token (a START_OBJECT) from {@code data}. */
  static ResultMessage read(JsonParser p, byte[] data) throws IOException, MalformedException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new MalformedException("a result message must be a JSON object");
    }
    int from = (int) p.currentTokenLocation().getByteOffset();
    long seq = -1;
    boolean ack = false;
    Buffer columns = null;
    Rows rows = Rows.NONE;
    End end = null;
    Failure error = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "seq" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedException("'seq' must be a whole number");
          }
          seq = p.getLongValue();
        }
        case "ack" -> ack = value == JsonToken.VALUE_TRUE;
        case "columns" -> columns = slice(p, data, JsonToken.START_ARRAY);
        case "rows" -> rows = readRows(p, data);
        case "end" -> end = readEnd(p);
        case "error" -> error = readError(p);
        default -> p.skipChildren();
      }
    }
    if (!ack && seq < 0) {
      throw new MalformedException("a result message needs a 'seq'");
    }
    int to = (int) p.currentLocation().getByteOffset();
    return new ResultMessage(seq, ack, columns, rows, end, error, data, from, to);
  }

  /** The end's fields, read in place (it ends every result: no object is built for it). */
  private static End readEnd(JsonParser p) throws IOException, MalformedException {
    expect(p, JsonToken.START_OBJECT);
    long rowCount = 0;
    boolean truncated = false;
    long queuedMs = 0;
    long executionMs = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "rowCount" -> rowCount = number(p, value);
        case "truncated" -> truncated = value == JsonToken.VALUE_TRUE;
        case "queuedMs" -> queuedMs = number(p, value);
        case "executionMs" -> executionMs = number(p, value);
        default -> p.skipChildren();
      }
    }
    return new End(rowCount, truncated, queuedMs, executionMs);
  }

  private static Failure readError(JsonParser p) throws IOException, MalformedException {
    expect(p, JsonToken.START_OBJECT);
    String code = "";
    String detail = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_STRING && name.equals("code")) {
        code = p.getText();
      } else if (value == JsonToken.VALUE_STRING && name.equals("detail")) {
        detail = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return new Failure(ErrorCode.fromCode(code), detail);
  }

  private static long number(JsonParser p, JsonToken value) throws IOException, MalformedException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new MalformedException("a count in a result message must be a whole number");
    }
    return p.getLongValue();
  }

  private static void expect(JsonParser p, JsonToken expected) throws MalformedException {
    if (p.currentToken() != expected) {
      throw new MalformedException("unexpected " + p.currentToken() + " in a result message");
    }
  }

  private static Buffer slice(JsonParser p, byte[] data, JsonToken expected) throws IOException, MalformedException {
    if (p.currentToken() != expected) {
      throw new MalformedException("unexpected " + p.currentToken() + " in a result message");
    }
    int start = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    int end = (int) p.currentLocation().getByteOffset();
    return Buffer.buffer(end - start).appendBytes(data, start, end - start);
  }

  /** Finds each row's bytes, checking the syntax, without decoding a value. */
  private static Rows readRows(JsonParser p, byte[] data) throws IOException, MalformedException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new MalformedException("'rows' must be an array");
    }
    int[] bounds = new int[32];
    int n = 0;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.START_ARRAY) {
      int start = (int) p.currentTokenLocation().getByteOffset();
      p.skipChildren();
      int end = (int) p.currentLocation().getByteOffset();
      for (int i = start; i < end; i++) {
        if (data[i] == '\n' || data[i] == '\r') {
          throw new MalformedException("a row holds a line break"); // it would split an NDJSON line
        }
      }
      if (n + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[n++] = start;
      bounds[n++] = end;
    }
    if (token != JsonToken.END_ARRAY) {
      throw new MalformedException("each row must be an array");
    }
    return new Rows(data, Arrays.copyOf(bounds, n));
  }
}
