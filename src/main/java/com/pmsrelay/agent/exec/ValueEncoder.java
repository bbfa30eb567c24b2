package com.pmsrelay.agent.exec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Clob;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;

/**
 * JDBC values to JSON (API.md: numbers, strings, booleans, null; dates and times as ISO-8601;
 * binary as base64) and JSON parameters to JDBC.
 */
final class ValueEncoder {
  private ValueEncoder() {}

  static JsonArray columns(ResultSetMetaData meta) throws SQLException {
    JsonArray columns = new JsonArray();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      columns.add(new JsonObject().put("name", meta.getColumnLabel(i)).put("type", typeName(meta.getColumnType(i))));
    }
    return columns;
  }

  static int[] types(ResultSetMetaData meta) throws SQLException {
    int[] types = new int[meta.getColumnCount()];
    for (int i = 0; i < types.length; i++) {
      types[i] = meta.getColumnType(i + 1);
    }
    return types;
  }

  private static String typeName(int sqlType) {
    try {
      return JDBCType.valueOf(sqlType).getName();
    } catch (IllegalArgumentException e) {
      return "OTHER";
    }
  }

  /** The value of column {@code i} (1-based) as a JSON value. */
  static Object value(ResultSet rs, int i, int sqlType) throws SQLException {
    Object v = switch (sqlType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> rs.getInt(i);
      case Types.BIGINT -> rs.getLong(i);
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> rs.getDouble(i);
      case Types.DECIMAL, Types.NUMERIC -> rs.getBigDecimal(i);
      case Types.BIT, Types.BOOLEAN -> rs.getBoolean(i);
      case Types.DATE -> iso(rs.getObject(i, LocalDate.class));
      case Types.TIME -> iso(rs.getObject(i, LocalTime.class));
      case Types.TIMESTAMP -> iso(rs.getObject(i, LocalDateTime.class));
      case Types.TIMESTAMP_WITH_TIMEZONE, -155 /* SQL Server DATETIMEOFFSET */ -> iso(rs.getObject(i, OffsetDateTime.class));
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> base64(rs.getBytes(i));
      case Types.CLOB, Types.NCLOB -> clob(rs.getClob(i));
      default -> rs.getObject(i);
    };
    if (rs.wasNull()) {
      return null;
    }
    if (v instanceof BigDecimal || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    return v == null ? null : v.toString();
  }

  /** A rough size in JSON bytes, for the byte cap, without encoding twice. */
  static int approximateBytes(Object value) {
    if (value == null) {
      return 5;
    }
    if (value instanceof String s) {
      return s.length() + 3;
    }
    return 12;
  }

  static void bind(PreparedStatement ps, JsonArray params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.getValue(i);
      int index = i + 1;
      if (p == null) {
        ps.setNull(index, Types.VARCHAR);
      } else if (p instanceof String s) {
        ps.setString(index, s);
      } else if (p instanceof Boolean b) {
        ps.setBoolean(index, b);
      } else if (p instanceof Integer || p instanceof Long || p instanceof Short || p instanceof Byte) {
        ps.setLong(index, ((Number) p).longValue());
      } else if (p instanceof BigDecimal d) {
        ps.setBigDecimal(index, d);
      } else if (p instanceof Number n) {
        ps.setDouble(index, n.doubleValue());
      } else {
        throw new SQLException("unsupported parameter type");
      }
    }
  }

  private static String iso(Object temporal) {
    return temporal == null ? null : temporal.toString();
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }

  private static String clob(Clob clob) throws SQLException {
    return clob == null ? null : clob.getSubString(1, (int) Math.min(clob.length(), Integer.MAX_VALUE));
  }
}
