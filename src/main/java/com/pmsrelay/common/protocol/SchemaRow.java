package com.pmsrelay.common.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One row of a schema answer ({@link SchemaRequest}): one column of one table or view, in the
 * catalogue's order (tables by schema and name, columns by ordinal position). {@code type} is the
 * column's SQL type as the database names it ({@code int}, {@code nvarchar(50)},
 * {@code decimal(10,2)}); {@code keyPosition} is its place in the primary key (from 1), or null.
 * On the wire a JSON array in the order of {@link #COLUMNS}.
 */
public record SchemaRow(String schema, String table, String kind, String column, String type, boolean nullable,
    Integer keyPosition) {

  public static final String TABLE = "table";
  public static final String VIEW = "view";
  /** The answer's columns, in the order of each row's values. */
  public static final List<String> COLUMNS = List.of("schema", "table", "kind", "column", "type", "nullable",
      "keyPosition");
  /** Longer than any name SQL Server allows (128) or any type it names: a longer one is a broken answer. */
  private static final int MAX_TEXT = 256;
  /** SQL Server allows 1,024 columns in a table (32 in a key). */
  private static final int MAX_KEY_POSITION = 1_024;

  /** The first message's columns, encoded: {@code [{"name": "schema", "type": "VARCHAR"}, ...]}. */
  public static Buffer encodedColumns() {
    JsonArray columns = new JsonArray();
    for (String name : COLUMNS) {
      String type = switch (name) {
        case "nullable" -> "BOOLEAN";
        case "keyPosition" -> "INTEGER";
        default -> "VARCHAR";
      };
      columns.add(new JsonObject().put("name", name).put("type", type));
    }
    return columns.toBuffer();
  }

  public JsonArray toJson() {
    return new JsonArray().add(schema).add(table).add(kind).add(column).add(type).add(nullable).add(keyPosition);
  }

  /** Reads a row from the wire; IllegalArgumentException if it is not one. */
  public static SchemaRow fromJson(JsonArray row) {
    if (row.size() != COLUMNS.size()) {
      throw new IllegalArgumentException("a schema row has " + COLUMNS.size() + " values");
    }
    String kind = text(row, 2);
    if (!TABLE.equals(kind) && !VIEW.equals(kind)) {
      throw new IllegalArgumentException("a schema row's kind is table or view");
    }
    if (!(row.getValue(5) instanceof Boolean nullable)) {
      throw new IllegalArgumentException("a schema row's nullable is a boolean");
    }
    Object key = row.getValue(6);
    if (key != null && !(key instanceof Integer k && k >= 1 && k <= MAX_KEY_POSITION)) {
      throw new IllegalArgumentException("a schema row's keyPosition is null or a whole number from 1");
    }
    return new SchemaRow(text(row, 0), text(row, 1), kind, text(row, 3), text(row, 4), nullable, (Integer) key);
  }

  private static String text(JsonArray row, int i) {
    if (!(row.getValue(i) instanceof String s) || s.isEmpty() || s.length() > MAX_TEXT) {
      throw new IllegalArgumentException("a schema row's " + COLUMNS.get(i) + " is a name of 1 to " + MAX_TEXT
          + " characters");
    }
    return s;
  }
}
