package com.pmsrelay.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An integrator reading one NDJSON answer as it streams, holding none of it: a Vert.x
 * {@link io.vertx.core.http.HttpClient} handler scans each buffer for its lines and lets it go.
 * It checks the whole stream as it goes: status 200 and {@code application/x-ndjson}, a
 * {@code {"columns": [...]}} line first, then row lines each starting with the row's {@code N},
 * which must run 1, 2, 3, … (every row once, in order, none lost), then exactly one
 * {@code {"end": true, "rowCount": N, "truncated": false}} line announcing the rows that came, and
 * nothing after it. Anything else (an error line, a missing end, a reset, a time-out) makes the
 * stream broken, with the reason.
 */
final class NdjsonStream {
  /** One stream as read: whether it was whole, and what came. */
  record Result(boolean complete, String problem, int status, long rows, long bytes, long nanos, long firstRowNanos,
      JsonObject end, long startedAtMs) {
    JsonObject toJson() {
      JsonObject json = new JsonObject().put("startedAt", java.time.Instant.ofEpochMilli(startedAtMs).toString())
          .put("complete", complete).put("status", status).put("rows", rows)
          .put("bytes", bytes).put("ms", Spread.round(nanos / 1e6))
          .put("firstRowMs", firstRowNanos < 0 ? null : Spread.round(firstRowNanos / 1e6));
      if (problem != null) {
        json.put("problem", problem);
      }
      return json;
    }
  }

  private static final int MAX_OBJECT_LINE = 64 * 1024;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final String path;

  /** Reads from 127.0.0.1:{@code port}, one connection at a time. */
  NdjsonStream(Vertx vertx, int port, String path) {
    this.vertx = vertx;
    this.path = path;
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4));
  }

  /**
   * Sends {@code body} with {@code token} and reads the answer, expecting {@code expectedRows}
   * rows; a stream not done within {@code timeoutMs} is closed and counts as broken.
   */
  Future<Result> read(String token, JsonObject body, long expectedRows, long timeoutMs) {
    Reader reader = new Reader(expectedRows);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/x-ndjson");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    // On the client's event loop, so that every listener is in place before the answer can arrive:
    // from another thread, a listener added after its future completed would run as a later task,
    // after the first buffers of the body went to a response without a handler (and were lost).
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      long timer = vertx.setTimer(timeoutMs, id -> reader.timedOut(timeoutMs));
      reader.done.future().onComplete(done -> vertx.cancelTimer(timer));
      client.request(options)
          .compose(request -> {
            reader.request = request;
            return request.send(body.toBuffer());
          })
          .onSuccess(reader::start)
          .onFailure(e -> reader.finish("request failed: " + e));
    });
    return reader.done.future();
  }

  Future<Void> close() {
    return client.close();
  }

  /** The stream's state: confined to the client's event loop. */
  private static final class Reader {
    final Promise<Result> done = Promise.promise();
    final long expectedRows;
    final long started = System.nanoTime();
    final long startedAtMs = System.currentTimeMillis();
    io.vertx.core.http.HttpClientRequest request;
    int status = -1;
    long firstRowNanos = -1;
    long bytes;
    long rows;
    /** Lines finished so far. */
    long lines;
    boolean atLineStart = true;
    /** The line being read is a row: reading its N until the comma. */
    boolean inRow;
    boolean readingNumber;
    long number;
    /** The line being read is an object (columns, end or error), kept to be parsed. */
    Buffer objectLine;
    JsonObject end;
    String problem;

    Reader(long expectedRows) {
      this.expectedRows = expectedRows;
    }

    void start(HttpClientResponse response) {
      status = response.statusCode();
      if (status != 200) {
        response.body().onComplete(b -> finish("status " + status + ": "
            + (b.succeeded() ? b.result().toString().substring(0, Math.min(500, b.result().length())) : b.cause())));
        return;
      }
      String type = response.getHeader("Content-Type");
      if (type == null || !type.startsWith("application/x-ndjson")) {
        response.request().connection().close();
        finish("content type " + type);
        return;
      }
      response.handler(this::onBytes);
      response.exceptionHandler(e -> finish("reading failed: " + e));
      response.endHandler(v -> finish(null));
    }

    void timedOut(long timeoutMs) {
      if (!done.future().isComplete()) {
        if (request != null) {
          request.connection().close();
        }
        finish("not complete within " + timeoutMs + " ms (" + rows + " rows read)");
      }
    }

    private void onBytes(Buffer chunk) {
      if (problem != null) {
        return;
      }
      int length = chunk.length();
      bytes += length;
      for (int i = 0; i < length; i++) {
        byte b = chunk.getByte(i);
        if (atLineStart) {
          atLineStart = false;
          if (end != null) {
            broken("content after the end line");
            return;
          }
          if (b == '[') {
            if (lines == 0) {
              broken("a row before the columns line");
              return;
            }
            inRow = true;
            readingNumber = true;
            number = 0;
            continue;
          }
          objectLine = Buffer.buffer(256);
        }
        if (b == '\n') {
          if (!lineDone()) {
            return;
          }
          atLineStart = true;
          continue;
        }
        if (inRow) {
          if (readingNumber) {
            if (b >= '0' && b <= '9') {
              number = number * 10 + (b - '0');
            } else if (b == ',') {
              readingNumber = false;
            } else {
              broken("row " + (rows + 1) + " does not start with its number");
              return;
            }
          }
        } else {
          if (objectLine.length() >= MAX_OBJECT_LINE) {
            broken("a line of more than " + MAX_OBJECT_LINE + " bytes that is not a row");
            return;
          }
          objectLine.appendByte(b);
        }
      }
    }

    /** The line just read ends; false if it broke the stream. */
    private boolean lineDone() {
      lines++;
      if (inRow) {
        inRow = false;
        if (readingNumber) {
          broken("row " + (rows + 1) + " is not [N, ...]");
          return false;
        }
        rows++;
        if (number != rows) {
          broken("row " + rows + " carries N = " + number + ": a row lost, repeated or out of order");
          return false;
        }
        if (firstRowNanos < 0) {
          firstRowNanos = System.nanoTime() - started;
        }
        return true;
      }
      JsonObject line;
      try {
        line = new JsonObject(objectLine);
      } catch (RuntimeException e) {
        broken("line " + lines + " is not JSON");
        return false;
      }
      objectLine = null;
      if (lines == 1) {
        JsonArray columns = line.getJsonArray("columns");
        if (columns == null || columns.size() != 2
            || !"N".equalsIgnoreCase(columns.getJsonObject(0).getString("name"))) {
          broken("the first line is not the columns [N, Filler]: " + line.encode());
          return false;
        }
        return true;
      }
      if (line.containsKey("error")) {
        broken("an error line after " + rows + " rows: " + line.encode());
        return false;
      }
      if (!Boolean.TRUE.equals(line.getValue("end"))) {
        broken("a line that is neither a row nor the end: " + line.encode());
        return false;
      }
      end = line;
      return true;
    }

    private void broken(String why) {
      problem = why;
      if (request != null) {
        request.connection().close();
      }
      finish(why);
    }

    void finish(String failure) {
      if (done.future().isComplete()) {
        return;
      }
      long nanos = System.nanoTime() - started;
      String why = failure;
      if (why == null) {
        if (!atLineStart) {
          why = "the stream ends inside a line";
        } else if (end == null) {
          why = "no end line after " + rows + " rows";
        } else if (end.getLong("rowCount", -1L) != rows) {
          why = "the end line announces " + end.getValue("rowCount") + " rows, " + rows + " came";
        } else if (!Boolean.FALSE.equals(end.getValue("truncated"))) {
          why = "truncated: " + end.encode();
        } else if (rows != expectedRows) {
          why = rows + " rows, " + expectedRows + " asked for";
        }
      }
      done.complete(new Result(why == null, why, status, rows, bytes, nanos, firstRowNanos, end, startedAtMs));
    }
  }
}
