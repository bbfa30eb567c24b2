package com.pmsrelay.agent.exec;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
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
 * binary as base64), written straight into the result's bytes, and JSON parameters to JDBC.
 */
final class ValueEncoder {
  /** A value too large to carry: its query fails with {@code row_too_large}. */
  static final class TooLargeException extends Exception {
    TooLargeException(String detail) {
      super(detail, null, false, false);
    }
  }

  private ValueEncoder() {}

  /** The result's columns, {@code [{"name", "type"}, ...]}. */
  static void writeColumns(JsonGenerator out, ResultSetMetaData meta) throws SQLException, IOException {
    out.writeStartArray();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      out.writeStartObject();
      out.writeStringField("name", meta.getColumnLabel(i));
      out.writeStringField("type", typeName(meta.getColumnType(i)));
      out.writeEndObject();
    }
    out.writeEndArray();
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

  /**
   * Writes column {@code i} (1-based) of the current row. A large object longer than
   * {@code maxChars} is refused before it is read.
   */
  static void write(JsonGenerator out, ResultSet rs, int i, int sqlType, long maxChars)
      throws SQLException, IOException, TooLargeException {
    switch (sqlType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> {
        int v = rs.getInt(i);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case Types.BIGINT -> {
        long v = rs.getLong(i);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
        double v = rs.getDouble(i);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case Types.BIT, Types.BOOLEAN -> {
        boolean v = rs.getBoolean(i);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeBoolean(v);
        }
      }
      case Types.DECIMAL, Types.NUMERIC -> writeOrNull(out, rs.getBigDecimal(i), maxChars);
      case Types.DATE -> writeOrNull(out, rs.getObject(i, LocalDate.class), maxChars);
      case Types.TIME -> writeOrNull(out, rs.getObject(i, LocalTime.class), maxChars);
      case Types.TIMESTAMP -> writeOrNull(out, rs.getObject(i, LocalDateTime.class), maxChars);
      case Types.TIMESTAMP_WITH_TIMEZONE, -155 /* SQL Server DATETIMEOFFSET */ ->
          writeOrNull(out, rs.getObject(i, OffsetDateTime.class), maxChars);
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
        byte[] bytes = rs.getBytes(i);
        if (bytes != null && bytes.length > maxChars) {
          throw tooLarge(bytes.length);
        }
        writeOrNull(out, bytes == null ? null : Base64.getEncoder().encodeToString(bytes), maxChars);
      }
      case Types.CLOB, Types.NCLOB -> writeOrNull(out, clob(rs.getClob(i), maxChars), maxChars);
      default -> {
        Object v = rs.getObject(i);
        writeOrNull(out, rs.wasNull() ? null : v, maxChars);
      }
    }
  }

  private static void writeOrNull(JsonGenerator out, Object v, long maxChars) throws IOException, TooLargeException {
    if (v == null) {
      out.writeNull();
    } else if (v instanceof String s) {
      if (s.length() > maxChars) {
        throw tooLarge(s.length()); // checked before it is encoded into the chunk
      }
      out.writeString(s);
    } else if (v instanceof BigDecimal d) {
      out.writeNumber(d);
    } else if (v instanceof Integer n) {
      out.writeNumber(n);
    } else if (v instanceof Long n) {
      out.writeNumber(n);
    } else if (v instanceof Double n) {
      out.writeNumber(n);
    } else if (v instanceof Number n) {
      out.writeNumber(n.toString());
    } else if (v instanceof Boolean b) {
      out.writeBoolean(b);
    } else {
      writeOrNull(out, v.toString(), maxChars);
    }
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

  private static String clob(Clob clob, long maxChars) throws SQLException, TooLargeException {
    if (clob == null) {
      return null;
    }
    long length = clob.length();
    if (length > maxChars) {
      throw tooLarge(length);
    }
    return clob.getSubString(1, (int) length);
  }

  private static TooLargeException tooLarge(long size) {
    return new TooLargeException("a value of " + size + " characters is larger than the relay carries in one row");
  }
}
