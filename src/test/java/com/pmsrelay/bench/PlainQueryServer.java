package com.pmsrelay.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.pmsrelay.agent.pms.PmsDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of the hop, throughput and streaming benchmarks: the same query without the relay.
 * One HTTP server verticle (one event loop, as the cloud's API) on 127.0.0.1, the relay's route
 * with a body handler, and a handler that runs the body's SQL with its parameters on a worker pool
 * of {@code connections} threads over a pool of as many connections to the same H2 database, and
 * answers the rows in the relay's JSON shape. No token check, guard, audit, queue or bridge.
 *
 * <p>With {@code Accept: application/x-ndjson} it streams the rows as the relay does (API.md,
 * "Streaming"): the worker reads them from JDBC (fetch size {@value #CHUNK_ROWS}), encodes each
 * once, straight to JSON bytes (Jackson, as the agent's {@code ResultWriter}), into chunks of at
 * most {@value #CHUNK_ROWS} rows or about {@value #CHUNK_BYTES} bytes (the agent's defaults), and
 * has the event loop write each chunk; at most {@value #CHUNKS_IN_FLIGHT} chunks are written and
 * not yet flushed to the socket (the relay's credit per query), so a slow reader slows the worker.
 * Lines: {@code {"columns": [...]}}, one array per row, {@code {"end": true, "rowCount": N,
 * "truncated": false}}; a failure after the first rows ends with an error line.
 */
final class PlainQueryServer extends VerticleBase {
  /** Rows in a chunk at most, and the bytes after which a chunk goes: the agent's defaults ({@code exec.chunkRows}, {@code exec.chunkBytes}). */
  static final int CHUNK_ROWS = 500;
  static final int CHUNK_BYTES = 256 * 1024;
  /** Chunks written and not yet flushed, at most: the relay's credit per query. */
  static final int CHUNKS_IN_FLIGHT = 4;
  /** A worker waits this long at most for room to write (a reader that stopped reading). */
  static final long STALL_TIMEOUT_MS = 60_000;
  private static final JsonFactory JSON = new JsonFactory();
  private final PmsDatabase database;
  private final int connections;
  private WorkerExecutor workers;
  private HttpServer server;

  PlainQueryServer(PmsDatabase database, int connections) {
    this.database = database;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("plain-jdbc-" + System.identityHashCode(this), connections);
    Router router = Router.router(vertx);
    router.post("/v1/practices/:practiceId/queries").handler(BodyHandler.create(false).setBodyLimit(262_144))
        .handler(this::query);
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return workers.close();
  }

  int port() {
    return server.actualPort();
  }

  private void query(RoutingContext ctx) {
    long received = System.nanoTime();
    JsonObject body = ctx.body().asJsonObject();
    String sql = body.getString("sql");
    JsonArray params = body.getJsonArray("params", new JsonArray());
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.contains("application/x-ndjson")) {
      NdjsonWriter out = new NdjsonWriter(ctx.response(), vertx.getOrCreateContext());
      workers.executeBlocking(() -> stream(sql, params, body.getInteger("maxRows", Integer.MAX_VALUE - 1), out), false)
          .onFailure(out::failed);
      return;
    }
    workers.executeBlocking(() -> run(sql, params), false).onComplete(done -> {
      if (done.failed()) {
        ctx.response().setStatusCode(500).end();
        return;
      }
      JsonObject answer = done.result();
      answer.getJsonObject("timing").put("totalMs", (System.nanoTime() - received) / 1_000_000);
      ctx.response().putHeader("Content-Type", "application/json").end(answer.toBuffer());
    });
  }

  /** Streams the query's rows as NDJSON lines to {@code out} (on a worker). */
  private Void stream(String sql, JsonArray params, int maxRows, NdjsonWriter out) throws Exception {
    try (Connection c = database.connect(database.catalogues().get(0));
         PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.getValue(i));
      }
      ps.setMaxRows(maxRows);
      ps.setFetchSize(CHUNK_ROWS);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        int[] types = new int[meta.getColumnCount()];
        JsonArray columns = new JsonArray();
        for (int i = 1; i <= types.length; i++) {
          types[i - 1] = meta.getColumnType(i);
          columns.add(new JsonObject().put("name", meta.getColumnLabel(i))
              .put("type", JDBCType.valueOf(types[i - 1]).getName()));
        }
        Chunk chunk = new Chunk();
        chunk.write(new JsonObject().put("columns", columns).toBuffer().getBytes());
        chunk.write('\n');
        JsonGenerator json = JSON.createGenerator(chunk);
        json.setRootValueSeparator(null);
        long rows = 0;
        int inChunk = 0;
        while (rs.next()) {
          json.writeStartArray();
          for (int i = 0; i < types.length; i++) {
            switch (types[i]) {
              case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> json.writeNumber(rs.getInt(i + 1));
              case Types.BIGINT -> json.writeNumber(rs.getLong(i + 1));
              case Types.VARCHAR, Types.NVARCHAR, Types.CHAR, Types.NCHAR -> json.writeString(rs.getString(i + 1));
              default -> {
                Object v = rs.getObject(i + 1);
                json.writeString(v == null ? null : v.toString());
              }
            }
          }
          json.writeEndArray();
          json.flush();
          chunk.write('\n');
          rows++;
          if (++inChunk >= CHUNK_ROWS || chunk.size() >= CHUNK_BYTES) {
            if (!out.write(chunk.take())) {
              return null; // the client left
            }
            inChunk = 0;
          }
        }
        chunk.write(new JsonObject().put("end", true).put("rowCount", rows).put("truncated", false).toBuffer().getBytes());
        chunk.write('\n');
        out.end(chunk.take());
      }
    }
    return null;
  }

  /** A chunk's bytes; its array is reused from chunk to chunk. */
  private static final class Chunk extends ByteArrayOutputStream {
    Chunk() {
      super(CHUNK_BYTES + 8192);
    }

    Buffer take() {
      Buffer bytes = Buffer.buffer(count).appendBytes(buf, 0, count);
      count = 0;
      return bytes;
    }
  }

  /**
   * One NDJSON answer written from a worker: each chunk written by the event loop, at most
   * {@value #CHUNKS_IN_FLIGHT} written and not yet flushed to the socket (a worker with none left
   * waits).
   */
  private static final class NdjsonWriter {
    private final HttpServerResponse response;
    private final Context context;
    private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
    private volatile boolean gone;
    private boolean headWritten;

    NdjsonWriter(HttpServerResponse response, Context context) {
      this.response = response;
      this.context = context;
      response.closeHandler(v -> {
        gone = true;
        inFlight.release(CHUNKS_IN_FLIGHT);
      });
    }

    /** Writes a chunk once one may go; false if the client is gone or the wait timed out. */
    boolean write(Buffer chunk) throws InterruptedException {
      if (!inFlight.tryAcquire(STALL_TIMEOUT_MS, TimeUnit.MILLISECONDS) || gone) {
        return false;
      }
      context.runOnContext(v -> {
        head(true);
        response.write(chunk).onComplete(done -> inFlight.release());
      });
      return true;
    }

    void end(Buffer last) {
      context.runOnContext(v -> {
        head(false);
        response.end(last);
      });
    }

    void failed(Throwable e) {
      context.runOnContext(v -> {
        if (response.closed() || response.ended()) {
          return;
        }
        if (!headWritten) {
          response.setStatusCode(500).end();
          return;
        }
        response.end(new JsonObject().put("error", new JsonObject().put("code", "internal_error")
            .put("detail", String.valueOf(e.getMessage()))).toBuffer().appendByte((byte) '\n'));
      });
    }

    private void head(boolean chunked) {
      if (!headWritten) {
        headWritten = true;
        response.setChunked(chunked).putHeader("Content-Type", "application/x-ndjson");
      }
    }
  }

  /** The query on a pooled connection, as the relay answers it (less the timing's total). */
  private JsonObject run(String sql, JsonArray params) throws Exception {
    long started = System.nanoTime();
    try (Connection c = database.connect(database.catalogues().get(0));
         PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.getValue(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        JsonArray columns = new JsonArray();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(new JsonObject().put("name", meta.getColumnLabel(i))
              .put("type", JDBCType.valueOf(meta.getColumnType(i)).getName()));
        }
        JsonArray rows = new JsonArray();
        while (rs.next()) {
          JsonArray row = new JsonArray();
          for (int i = 1; i <= columns.size(); i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
        return new JsonObject().put("queryId", UUID.randomUUID().toString()).put("status", "succeeded")
            .put("columns", columns).put("rows", rows).put("rowCount", rows.size()).put("truncated", false)
            .put("timing", new JsonObject().put("queuedMs", 0)
                .put("executionMs", (System.nanoTime() - started) / 1_000_000));
      }
    }
  }
}
