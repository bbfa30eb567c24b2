package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Statements on a connection inside one of {@link Database#transaction}'s transactions, their rows
 * mapped. Rows are read by position: H2 names its columns in upper case, PostgreSQL in lower case.
 */
final class Sql {
  private Sql() {}

  static <T> Future<List<T>> list(SqlConnection c, String sql, Tuple args, Function<Row, T> mapper) {
    return c.preparedQuery(sql).collecting(Collectors.mapping(mapper, Collectors.toList())).execute(args)
        .map(SqlResult::value);
  }

  static <T> Future<Optional<T>> first(SqlConnection c, String sql, Tuple args, Function<Row, T> mapper) {
    return list(c, sql, args, mapper).map(rows -> rows.stream().findFirst());
  }

  /** How many rows the statement changed. */
  static Future<Integer> update(SqlConnection c, String sql, Tuple args) {
    return c.preparedQuery(sql).execute(args).map(SqlResult::rowCount);
  }
}
