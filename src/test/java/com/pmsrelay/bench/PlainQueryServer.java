package com.pmsrelay.bench;

import com.pmsrelay.agent.pms.PmsDatabase;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.UUID;

/**
 * The baseline of the hop and throughput benchmarks: the same lookup without the relay. One
 * HTTP server verticle (one event loop, as the cloud's API) on 127.0.0.1, the relay's route with a
 * body handler, and a handler that runs the body's SQL with its parameters on a worker pool of
 * {@code connections} threads over a pool of as many connections to the same H2 database, and
 * answers the rows in the relay's JSON shape. No token check, guard, audit, queue or bridge.
 */
final class PlainQueryServer extends VerticleBase {
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
