package com.pmsrelay.agent.exec;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import java.time.OffsetTime;
import java.util.Base64;
import java.util.UUID;

/**
 * JDBC values to JSON, written straight into the result's bytes, and JSON parameters to JDBC.
 * Every value is written from its exact form (docs/values.md has the table, per SQL Server type):
 *
 * <ul>
 *   <li>integers, DECIMAL/NUMERIC and MONEY as JSON numbers written from the exact value (a long,
 *       or {@link BigDecimal#toPlainString()}), never through a double: a BIGINT beyond 2^53 or a
 *       DECIMAL(38,0) keeps every digit; REAL as the shortest decimal that reads back as the same
 *       float (0.1, not 0.10000000149011612), FLOAT as a double;</li>
 *   <li>dates and times as ISO-8601 text with seconds always present ({@code 2024-05-01},
 *       {@code 10:30:00}, {@code 2024-05-01T10:30:00.1234567}), DATETIMEOFFSET and TIMESTAMP WITH
 *       TIME ZONE with their own offset ({@code 2024-05-01T10:30:00+10:00}; UTC as {@code Z});</li>
 *   <li>uniqueidentifier (H2's UUID) as its canonical text, lower case
 *       ({@code 6f9619ff-8b86-d011-b42d-00c04fc964ff}), whether the driver gives a UUID, a string
 *       or SQL Server's 16 bytes (first three groups little-endian);</li>
 *   <li>bit as true/false, binary as base64, xml and json as text.</li>
 * </ul>
 */
final class ValueEncoder {
  /** A value too large to carry: its query fails with {@code row_too_large}. */
  static final class TooLargeException extends Exception {
    TooLargeException(String detail) {
      super(detail, null, false, false);
    }
  }

  /** SQL Server's driver's type codes (microsoft.sql.Types), and ours for a GUID column of any driver. */
  static final int GUID = -145;
  static final int DATETIMEOFFSET = -155;
  static final int SQL_VARIANT = -156;
  static final int GEOMETRY = -157;
  static final int GEOGRAPHY = -158;
  static final int JSON = -159;

  private ValueEncoder() {}

  /** The result's columns, {@code [{"name", "type"}, ...]}. */
  static void writeColumns(JsonGenerator out, ResultSetMetaData meta) throws SQLException, IOException {
    int[] types = types(meta);
    out.writeStartArray();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      out.writeStartObject();
      out.writeStringField("name", meta.getColumnLabel(i));
      out.writeStringField("type", typeName(types[i - 1]));
      out.writeEndObject();
    }
    out.writeEndArray();
  }

  /**
   * The type of each column as {@link #write} reads it: the driver's code, except a GUID column,
   * which SQL Server's driver reports as CHAR and H2 as BINARY: both are told by their type name.
   */
  static int[] types(ResultSetMetaData meta) throws SQLException {
    int[] types = new int[meta.getColumnCount()];
    for (int i = 0; i < types.length; i++) {
      int type = meta.getColumnType(i + 1);
      if (type == Types.CHAR || type == Types.BINARY || type == GUID) {
        String name = meta.getColumnTypeName(i + 1);
        if ("uniqueidentifier".equalsIgnoreCase(name) || "UUID".equalsIgnoreCase(name)) {
          type = GUID;
        }
      }
      types[i] = type;
    }
    return types;
  }

  static String typeName(int sqlType) {
    switch (sqlType) {
      case GUID:
        return "UNIQUEIDENTIFIER";
      case DATETIMEOFFSET:
        return "DATETIMEOFFSET";
      case SQL_VARIANT:
        return "SQL_VARIANT";
      case GEOMETRY:
        return "GEOMETRY";
      case GEOGRAPHY:
        return "GEOGRAPHY";
      case JSON:
        return "JSON";
      default:
        try {
          return JDBCType.valueOf(sqlType).getName();
        } catch (IllegalArgumentException e) {
          return "OTHER";
        }
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
      case Types.REAL -> {
        float v = rs.getFloat(i);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case Types.FLOAT, Types.DOUBLE -> {
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
      case Types.TIMESTAMP_WITH_TIMEZONE, DATETIMEOFFSET -> writeOrNull(out, offsetDateTime(rs, i), maxChars);
      case Types.TIME_WITH_TIMEZONE -> writeOrNull(out, rs.getObject(i, OffsetTime.class), maxChars);
      case GUID -> writeOrNull(out, guid(rs.getObject(i)), maxChars);
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, GEOMETRY, GEOGRAPHY -> {
        byte[] bytes = rs.getBytes(i);
        if (bytes != null && bytes.length > maxChars) {
          throw tooLarge(bytes.length);
        }
        writeOrNull(out, bytes == null ? null : Base64.getEncoder().encodeToString(bytes), maxChars);
      }
      case Types.CLOB, Types.NCLOB -> writeOrNull(out, clob(rs.getClob(i), maxChars), maxChars);
      case Types.SQLXML, JSON -> writeOrNull(out, rs.getString(i), maxChars);
      default -> {
        Object v = rs.getObject(i);
        writeOrNull(out, rs.wasNull() ? null : v, maxChars);
      }
    }
  }

  /** A DATETIMEOFFSET: SQL Server's driver gives its own DateTimeOffset from getObject; others an OffsetDateTime. */
  private static OffsetDateTime offsetDateTime(ResultSet rs, int i) throws SQLException {
    Object v = rs.getObject(i);
    if (v == null || v instanceof OffsetDateTime) {
      return (OffsetDateTime) v;
    }
    if (v instanceof microsoft.sql.DateTimeOffset dto) {
      return dto.getOffsetDateTime();
    }
    return rs.getObject(i, OffsetDateTime.class);
  }

  /**
   * A GUID's canonical text, lower case as RFC 9562 writes it (SQL Server takes either case as
   * input). SQL Server's driver gives an upper-case string from getObject and the value's 16 bytes,
   * in SQL Server's order (Data1-Data3 little-endian), from getBytes; H2 gives a UUID.
   */
  static Object guid(Object v) {
    if (v == null || v instanceof UUID) {
      return v == null ? null : v.toString();
    }
    if (v instanceof String s) {
      try {
        return UUID.fromString(s).toString();
      } catch (IllegalArgumentException e) {
        return s; // not a GUID after all: as the database wrote it
      }
    }
    if (v instanceof byte[] b && b.length == 16) {
      ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      long high = ((le.getInt(0) & 0xFFFFFFFFL) << 32) | ((le.getShort(4) & 0xFFFFL) << 16) | (le.getShort(6) & 0xFFFFL);
      long low = ByteBuffer.wrap(b, 8, 8).order(ByteOrder.BIG_ENDIAN).getLong();
      return new UUID(high, low).toString();
    }
    return v;
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
      // Plain digits, never 1E-10; a value no SQL Server type holds (|scale| > 400) keeps its exponent.
      out.writeNumber(Math.abs((long) d.scale()) <= 400 ? d.toPlainString() : d.toString());
    } else if (v instanceof Integer n) {
      out.writeNumber(n);
    } else if (v instanceof Long n) {
      out.writeNumber(n);
    } else if (v instanceof Double n) {
      out.writeNumber(n);
    } else if (v instanceof Float n) {
      out.writeNumber(n);
    } else if (v instanceof BigInteger n) {
      out.writeNumber(n);
    } else if (v instanceof Number n) {
      out.writeNumber(n.toString());
    } else if (v instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (v instanceof LocalDateTime t) {
      out.writeString(iso(t));
    } else if (v instanceof LocalDate d) {
      out.writeString(d.toString());
    } else if (v instanceof LocalTime t) {
      out.writeString(iso(t));
    } else if (v instanceof OffsetDateTime t) {
      out.writeString(iso(t.toLocalDateTime()) + t.getOffset());
    } else if (v instanceof OffsetTime t) {
      out.writeString(iso(t.toLocalTime()) + t.getOffset());
    } else if (v instanceof java.sql.Timestamp t) {
      out.writeString(iso(t.toLocalDateTime()));
    } else if (v instanceof java.sql.Date d) {
      out.writeString(d.toLocalDate().toString());
    } else if (v instanceof java.sql.Time t) {
      out.writeString(iso(t.toLocalTime()));
    } else if (v instanceof microsoft.sql.DateTimeOffset t) {
      writeOrNull(out, t.getOffsetDateTime(), maxChars);
    } else if (v instanceof UUID u) {
      out.writeString(u.toString());
    } else if (v instanceof byte[] bytes) {
      if (bytes.length > maxChars) {
        throw tooLarge(bytes.length);
      }
      out.writeString(Base64.getEncoder().encodeToString(bytes));
    } else {
      writeOrNull(out, v.toString(), maxChars);
    }
  }

  /** ISO-8601 with seconds always present: java.time leaves them out when they are zero (10:30). */
  static String iso(LocalTime t) {
    String text = t.toString();
    return t.getSecond() == 0 && t.getNano() == 0 ? text + ":00" : text;
  }

  static String iso(LocalDateTime t) {
    String text = t.toString();
    return t.getSecond() == 0 && t.getNano() == 0 ? text + ":00" : text;
  }

  /**
   * Binds JSON parameters exactly: strings as strings, booleans as booleans, whole numbers within a
   * long as BIGINT, and every other number (a fraction, an exponent, an integer beyond a long: read
   * as BigDecimal/BigInteger, never as a double) as DECIMAL when SQL Server's DECIMAL(38) holds it
   * exactly; only a number it cannot hold (1e300, 1e-50) binds as a FLOAT, as SQL Server itself
   * would read such a literal.
   */
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
        bindDecimal(ps, index, d);
      } else if (p instanceof BigInteger b) {
        bindDecimal(ps, index, new BigDecimal(b));
      } else if (p instanceof Number n) {
        ps.setDouble(index, n.doubleValue()); // a Float or Double put there by code, not read from JSON
      } else {
        throw new SQLException("unsupported parameter type");
      }
    }
  }

  /** SQL Server's DECIMAL: at most 38 digits in all, of which at most 38 after the point. */
  static final int MAX_DECIMAL_DIGITS = 38;

  private static void bindDecimal(PreparedStatement ps, int index, BigDecimal d) throws SQLException {
    int fraction = Math.max(d.scale(), 0);
    int whole = Math.max(d.precision() - d.scale(), 0);
    if (whole + fraction <= MAX_DECIMAL_DIGITS) {
      ps.setBigDecimal(index, fraction == d.scale() ? d : d.setScale(0));
    } else {
      ps.setDouble(index, d.doubleValue());
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
