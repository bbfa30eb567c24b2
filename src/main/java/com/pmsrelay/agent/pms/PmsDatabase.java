package com.pmsrelay.agent.pms;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The practice's database as the agent sees it: named catalogues, read-only connections. */
public interface PmsDatabase extends AutoCloseable {
  /** The databases served; the first is the default. */
  List<String> catalogues();

  /** A pooled connection to {@code catalogue} (one of {@link #catalogues()}), read-only where the driver can say so. */
  Connection connect(String catalogue) throws SQLException;

  /** What integrators see as {@code pms.kind}, e.g. "Bp Premier" or "demo". */
  String kind();

  /**
   * The statement as this database runs it ({@code sql} has passed the guard): the same text for
   * SQL Server; the demo PMS translates what H2 spells otherwise. Throws a RelayException
   * (sql_rejected) for what this database cannot run although the guard allows it.
   */
  default String nativeSql(String sql) {
    return sql;
  }

  /** The database product and version, e.g. from the driver's metadata. */
  String version();

  @Override
  void close();
}
