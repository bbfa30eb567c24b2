package com.pmsrelay.e2e;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;

/**
 * Reads an NDJSON answer as it streams, holding only its first line and its tail: counts lines,
 * keeps the first and last, and can read at a bounded rate (bytes a second) to play a slow client.
 */
final class NdjsonReader {
  final Promise<NdjsonReader> done = Promise.promise();
  private final HttpClientResponse response;
  private final StringBuilder firstLine = new StringBuilder();
  private boolean firstDone;
  private Buffer tail = Buffer.buffer();
  private long lines;
  private long bytes;
  private long firstRowNanos;
  private long endNanos;
  private Throwable failure;

  NdjsonReader(HttpClientResponse response) {
    this.response = response;
    response.handler(this::onBytes);
    response.endHandler(v -> {
      endNanos = System.nanoTime();
      done.tryComplete(this);
    });
    response.exceptionHandler(e -> {
      failure = e;
      done.tryComplete(this);
    });
  }

  /** Reads as fast as the socket gives. */
  NdjsonReader readAll() {
    response.resume();
    return this;
  }

  /** Reads at most {@code bytesPerSecond}, checking every 10 ms. */
  NdjsonReader readAt(io.vertx.core.Vertx vertx, long bytesPerSecond) {
    long started = System.nanoTime();
    vertx.setPeriodic(10, id -> {
      if (done.future().isComplete()) {
        vertx.cancelTimer(id);
        return;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      if (bytes < seconds * bytesPerSecond) {
        response.fetch(1);
      }
    });
    return this;
  }

  private synchronized void onBytes(Buffer chunk) {
    bytes += chunk.length();
    for (int i = 0; i < chunk.length(); i++) {
      byte b = chunk.getByte(i);
      if (b == '\n') {
        lines++;
        firstDone = true;
        if (lines == 2) {
          firstRowNanos = System.nanoTime();
        }
      } else if (!firstDone) {
        firstLine.append((char) b);
      }
    }
    tail.appendBuffer(chunk);
    if (tail.length() > 4096) {
      tail = tail.getBuffer(tail.length() - 4096, tail.length());
    }
  }

  synchronized long lines() {
    return lines;
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Rows read so far: the lines after the columns line. */
  synchronized long rows() {
    return Math.max(0, lines - 1);
  }

  synchronized JsonObject first() {
    return new JsonObject(firstLine.toString());
  }

  /** The last complete line. */
  synchronized JsonObject last() {
    String text = tail.toString();
    String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return new JsonObject(trimmed.substring(trimmed.lastIndexOf('\n') + 1));
  }

  /** When the first row's line (the second line) was read, by {@link System#nanoTime()}. */
  synchronized long firstRowNanos() {
    return firstRowNanos;
  }

  /** When the answer ended, by {@link System#nanoTime()}. */
  synchronized long endNanos() {
    return endNanos;
  }

  Throwable failure() {
    return failure;
  }

  HttpClientResponse response() {
    return response;
  }
}
