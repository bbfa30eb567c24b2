package com.pmsrelay.cloud.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The control-plane database: a connection pool, the schema kept current by Flyway migrations, and
 * a worker pool so that JDBC never runs on an event loop. H2 (embedded file) by default,
 * PostgreSQL in production; the SQL of the stores is written to run on both.
 */
public final class Database implements AutoCloseable {
  /** One unit of blocking work on a pooled connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;

  private Database(HikariDataSource dataSource, WorkerExecutor workers) {
    this.dataSource = dataSource;
    this.workers = workers;
  }

  /** Opens the pool and migrates the schema. Blocking: call it from a worker or at start-up. */
  public static Database open(Vertx vertx, StoreConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.maxPoolSize());
    hikari.setPoolName("control-store");
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      migrate(dataSource);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("control-store", config.maxPoolSize());
    return new Database(dataSource, workers);
  }

  static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/cloud")
        .load()
        .migrate();
  }

  /** Runs {@code work} on a store worker, in auto-commit mode. */
  public <T> Future<T> call(Work<T> work) {
    return onWorker(() -> {
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      }
    });
  }

  /** Runs {@code work} on a store worker in one transaction. */
  public <T> Future<T> transaction(Work<T> work) {
    return onWorker(() -> inTransaction(work));
  }

  private <T> Future<T> onWorker(java.util.concurrent.Callable<T> blocking) {
    try {
      return workers.executeBlocking(blocking, false);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return Future.failedFuture(new SQLException("the store is closed"));
    }
  }

  /** Blocking form, for start-up and the operator commands. */
  public <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** PostgreSQL (not embedded H2): changes are announced with NOTIFY there, not only found by polling. */
  public boolean postgres() {
    return dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
  }

  /**
   * A connection of its own, outside the pool, for one long-lived use (a LISTEN) that must not hold
   * a pool slot or be recycled by it. Blocking; the caller closes it.
   */
  Connection connectAlone(java.util.Properties properties) throws SQLException {
    java.util.Properties all = new java.util.Properties();
    all.putAll(properties);
    if (dataSource.getUsername() != null && !dataSource.getUsername().isEmpty()) {
      all.setProperty("user", dataSource.getUsername());
    }
    if (dataSource.getPassword() != null && !dataSource.getPassword().isEmpty()) {
      all.setProperty("password", dataSource.getPassword());
    }
    return java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), all);
  }

  /** True if the database answers (readiness). */
  public Future<Boolean> ping() {
    return call(c -> c.isValid(2));
  }

  @Override
  public void close() {
    workers.close();
    dataSource.close();
  }
}
