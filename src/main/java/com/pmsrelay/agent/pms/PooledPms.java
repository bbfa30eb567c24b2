package com.pmsrelay.agent.pms;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A {@link PmsDatabase} over connection pools, one per catalogue, each no larger than the agent's
 * concurrency cap: the pool size is a second, independent bound on the load on the server.
 */
public final class PooledPms implements PmsDatabase {
  private final String kind;
  private final Map<String, HikariDataSource> pools;
  private final UnaryOperator<String> dialect;
  private volatile String version;

  private PooledPms(String kind, Map<String, HikariDataSource> pools, UnaryOperator<String> dialect) {
    this.kind = kind;
    this.pools = pools;
    this.dialect = dialect;
  }

  /** SQL Server: one JDBC URL, the catalogue chosen per pool with {@code databaseName}. */
  public static PooledPms sqlServer(String product, String jdbcUrl, String user, String password,
      List<String> catalogues, int maxConnections) {
    Map<String, HikariDataSource> pools = new LinkedHashMap<>();
    for (String catalogue : catalogues) {
      HikariConfig config = base("pms-" + catalogue, maxConnections);
      config.setJdbcUrl(jdbcUrl + (jdbcUrl.endsWith(";") ? "" : ";") + "databaseName=" + catalogue);
      config.setUsername(user);
      config.setPassword(password);
      // SQL Server may be down when the agent starts: fail per query (circuit), not at start.
      config.setInitializationFailTimeout(-1);
      pools.put(catalogue, new HikariDataSource(config));
    }
    return new PooledPms(product, pools, UnaryOperator.identity());
  }

  /** Any DataSource per catalogue, with a known version, running statements as they are. */
  public static PooledPms of(String kind, String version, Map<String, DataSource> sources, int maxConnections) {
    return of(kind, version, sources, maxConnections, UnaryOperator.identity());
  }

  /**
   * Any DataSource per catalogue (the embedded demo PMS), with a known version, and {@code dialect}
   * for {@link #nativeSql}.
   */
  public static PooledPms of(String kind, String version, Map<String, DataSource> sources, int maxConnections,
      UnaryOperator<String> dialect) {
    Map<String, HikariDataSource> pools = new LinkedHashMap<>();
    sources.forEach((catalogue, source) -> {
      HikariConfig config = base("pms-" + catalogue, maxConnections);
      config.setDataSource(source);
      pools.put(catalogue, new HikariDataSource(config));
    });
    PooledPms pms = new PooledPms(kind, pools, dialect);
    pms.version = version;
    return pms;
  }

  private static HikariConfig base(String name, int maxConnections) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setMaximumPoolSize(maxConnections);
    config.setMinimumIdle(0);
    config.setReadOnly(true);
    config.setAutoCommit(true);
    config.setConnectionTimeout(5_000);
    return config;
  }

  @Override
  public List<String> catalogues() {
    return List.copyOf(pools.keySet());
  }

  @Override
  public Connection connect(String catalogue) throws SQLException {
    HikariDataSource pool = pools.get(catalogue);
    if (pool == null) {
      throw new SQLException("unknown catalogue");
    }
    Connection connection = pool.getConnection();
    if (version == null) {
      DatabaseMetaData meta = connection.getMetaData();
      version = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
    }
    return connection;
  }

  @Override
  public String nativeSql(String sql) {
    return dialect.apply(sql);
  }

  @Override
  public String kind() {
    return kind;
  }

  /** Known after the first connection; until then null. */
  @Override
  public String version() {
    return version;
  }

  /** Connects once to learn the version; returns null if the database cannot be reached now. */
  public String probeVersion() {
    try (Connection ignored = connect(catalogues().get(0))) {
      return version;
    } catch (SQLException e) {
      return null;
    }
  }

  @Override
  public void close() {
    pools.values().forEach(HikariDataSource::close);
  }
}
