package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.SchemaRequest;
import com.pmsrelay.common.protocol.SchemaRow;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema discovery at the agent, on a real H2 database in SQL Server mode with tables declared in
 * T-SQL: every column with its T-SQL type, nullability and place in the primary key, views as
 * views, nothing of the system catalogue; rows in chunks under credit; and the read admitted like
 * a query (it waits for a slot under the cap, and gives up at its queue time-out).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class CatalogueReaderTest {
  static final int CAP = 4;
  Vertx vertx;
  Server tcp;
  PooledPms pms;
  QueryExecutor executor;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    tcp = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:schema" + UUID.randomUUID()
        + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;DB_CLOSE_DELAY=-1");
    try (Connection c = source.getConnection()) {
      var s = c.createStatement();
      s.execute("CREATE ALIAS HOLD FOR \"" + DbProbe.class.getName() + ".hold\"");
      s.execute("CREATE SCHEMA dbo");
      s.execute("CREATE TABLE dbo.Kinds (Id INT NOT NULL, Code CHAR(1) NOT NULL, Name VARCHAR(40) NULL, "
          + "Label NVARCHAR(50) NOT NULL, Born DATE NULL, Opens TIME NULL, Created DATETIME2 NOT NULL, "
          + "Stamped DATETIME2(3) NULL, Zoned DATETIMEOFFSET NULL, Active BIT NOT NULL, Amount DECIMAL(10,2) NULL, "
          + "Big BIGINT NULL, Ratio FLOAT NULL, Small REAL NULL, Token UNIQUEIDENTIFIER NULL, Hash VARBINARY(16) NULL, "
          + "Notes VARCHAR(MAX) NULL, Tiny TINYINT NULL, Short SMALLINT NULL, "
          + "CONSTRAINT PK_Kinds PRIMARY KEY (Code, Id))");
      s.execute("CREATE TABLE dbo.Audit (At DATETIME2 NOT NULL)"); // no primary key
      s.execute("CREATE VIEW dbo.ActiveKinds AS SELECT Id, Name FROM dbo.Kinds WHERE Active = 1");
    }
    pms = PooledPms.of("test", "h2", Map.of("Test", source), CAP);
    // Chunks of 5 rows: the 22 columns come in several messages.
    AgentConfig.Exec caps = new AgentConfig.Exec(CAP, 20, 20, 60_000, 60_000, 100_000, 64 << 20, 5, 256 * 1024, 65_536,
        3, 500, 1_000);
    executor = new QueryExecutor(vertx, pms, caps, new SqlGuard(65_536, java.util.Set.of("HOLD")));
  }

  @AfterEach
  void stop() {
    executor.close();
    pms.close();
    tcp.stop();
    vertx.close().await();
  }

  static SchemaRequest schema(String client, long queueTimeoutMs) {
    return new SchemaRequest(UUID.randomUUID().toString(), "p", client, null, 10_000, queueTimeoutMs, 1 << 20, 1,
        QueryRequest.DEFAULT_CREDIT);
  }

  Future<JsonObject> read(SchemaRequest request, QueryExecutorTest.Collector c) {
    executor.submitSchema(request, c);
    return c.done.future();
  }

  private static List<SchemaRow> rows(QueryExecutorTest.Collector c) {
    List<SchemaRow> rows = new ArrayList<>();
    for (Object row : c.rows()) {
      rows.add(SchemaRow.fromJson((JsonArray) row));
    }
    return rows;
  }

  private static List<SchemaRow> of(List<SchemaRow> rows, String table) {
    return rows.stream().filter(r -> r.table().equals(table)).toList();
  }

  @Test
  void everyColumnWithItsTypeNullabilityAndKeyViewsAsViewsNoSystemTables(VertxTestContext ctx) {
    QueryExecutorTest.Collector collector = new QueryExecutorTest.Collector();
    read(schema("a", 10_000), collector).onComplete(ctx.succeeding(end -> ctx.verify(() -> {
      assertThat(end.getString("kind")).as(end.encode()).isEqualTo("end");
      List<SchemaRow> rows = rows(collector);
      assertThat(end.getLong("rowCount")).isEqualTo(rows.size());
      assertThat(rows).extracting(SchemaRow::schema).containsOnly("dbo");
      assertThat(rows.stream().map(SchemaRow::table).distinct()).containsExactly("ActiveKinds", "Audit", "Kinds");
      List<SchemaRow> kinds = of(rows, "Kinds");
      assertThat(kinds).extracting(SchemaRow::column).containsExactly("Id", "Code", "Name", "Label", "Born", "Opens",
          "Created", "Stamped", "Zoned", "Active", "Amount", "Big", "Ratio", "Small", "Token", "Hash", "Notes", "Tiny",
          "Short");
      // NVARCHAR is CHARACTER VARYING in H2, as every string is: the demo's T-SQL name for it is varchar.
      assertThat(kinds).extracting(SchemaRow::type).containsExactly("int", "char(1)", "varchar(40)", "varchar(50)",
          "date", "time", "datetime2", "datetime2(3)", "datetimeoffset", "bit", "decimal(10,2)", "bigint", "float",
          "real", "uniqueidentifier", "varbinary(16)", "varchar(max)", "tinyint", "smallint");
      assertThat(kinds).extracting(SchemaRow::nullable).startsWith(false, false, true, false, true);
      assertThat(kinds).extracting(SchemaRow::kind).containsOnly(SchemaRow.TABLE);
      assertThat(kinds.get(0).keyPosition()).isEqualTo(2); // PRIMARY KEY (Code, Id)
      assertThat(kinds.get(1).keyPosition()).isEqualTo(1);
      assertThat(kinds.subList(2, kinds.size())).extracting(SchemaRow::keyPosition).containsOnlyNulls();
      assertThat(of(rows, "Audit")).extracting(SchemaRow::keyPosition).containsOnlyNulls();
      assertThat(of(rows, "ActiveKinds")).extracting(SchemaRow::kind).containsOnly(SchemaRow.VIEW);
      assertThat(of(rows, "ActiveKinds")).extracting(SchemaRow::column).containsExactly("Id", "Name");
      // 22 rows in chunks of 5: the columns with the first rows, the end with the last.
      assertThat(collector.writes).hasSize(5);
      assertThat(collector.writes.get(0)).containsExactly("columns", "rows");
      assertThat(collector.writes.get(4)).containsExactly("rows", "end");
      assertThat(executor.catalogueReads()).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void aSchemaReadWaitsForASlotUnderTheCapLikeAQuery(VertxTestContext ctx) {
    List<Future<JsonObject>> holds = new ArrayList<>();
    for (int i = 0; i < CAP; i++) { // four integrators: every slot taken
      QueryExecutorTest.Collector c = new QueryExecutorTest.Collector();
      executor.submit(QueryExecutorTest.query("holder" + i, "SELECT HOLD(1500, ?)", new JsonArray().add(i), 10_000), c);
      holds.add(c.done.future());
    }
    whenAllSlotsTaken()
        .compose(v -> read(schema("reader", 200), new QueryExecutorTest.Collector()))
        .compose(refused -> {
          ctx.verify(() -> {
            assertThat(refused.getString("code")).as(refused.encode()).isEqualTo("queue_timeout");
            assertThat(executor.catalogueReads()).as("reads that reached the database").isZero();
          });
          // Two at once for the same catalogue, queued behind the holds: one read serves both.
          return Future.all(read(schema("reader", 10_000), new QueryExecutorTest.Collector()),
              read(schema("other", 10_000), new QueryExecutorTest.Collector()));
        })
        .compose(both -> Future.all(holds).map(both))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertThat(((JsonObject) both.resultAt(0)).getString("kind")).isEqualTo("end");
          assertThat(((JsonObject) both.resultAt(1)).getString("kind")).isEqualTo("end");
          assertThat(executor.catalogueReads()).isEqualTo(1);
          assertThat(DbProbe.MAX.get()).isLessThanOrEqualTo(CAP);
          ctx.completeNow();
        })));
  }

  /** Completes once the executor runs as many statements as the cap allows (their SQL checked first). */
  private Future<Void> whenAllSlotsTaken() {
    return Future.future(p -> vertx.setPeriodic(10, id -> {
      if (executor.load().running() == CAP) {
        vertx.cancelTimer(id);
        p.complete();
      }
    }));
  }
}
