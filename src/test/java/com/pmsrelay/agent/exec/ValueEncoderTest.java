package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.h2.tools.SimpleResultSet;
import org.junit.jupiter.api.Test;

/**
 * The encoder with the values SQL Server's driver (mssql-jdbc, a dependency) hands out, which the
 * demo PMS (H2) never produces: SQL Server cannot run here, so these are fed through H2's
 * {@link SimpleResultSet} with the type codes and type names the driver reports (checked in its
 * SQLServerResultSetMetaData on SQL Server 2008 and later: uniqueidentifier as CHAR, money and
 * smallmoney as DECIMAL, datetime and smalldatetime as TIMESTAMP, datetimeoffset as -155) and the
 * driver's own classes ({@code microsoft.sql.DateTimeOffset}). What the demo PMS can hold is tested
 * end to end in {@code e2e.ValuesTest}, against the table in docs/values.md.
 */
class ValueEncoderTest {
  /**
   * H2's SimpleResultSet lacks getObject(int, Class); this one answers it as mssql-jdbc's
   * SQLServerResultSet does for the classes the encoder asks for (LocalDateTime from the column's
   * timestamp, OffsetDateTime from its DateTimeOffset).
   */
  static final class DriverRows extends SimpleResultSet {
    @Override
    public <T> T getObject(int i, Class<T> type) throws java.sql.SQLException {
      Object v = getObject(i);
      if (v == null) {
        return null;
      }
      if (type == LocalDateTime.class && v instanceof Timestamp t) {
        return type.cast(t.toLocalDateTime());
      }
      if (type == OffsetDateTime.class && v instanceof microsoft.sql.DateTimeOffset d) {
        return type.cast(d.getOffsetDateTime());
      }
      return type.cast(v);
    }
  }

  private static JsonArray row(SimpleResultSet rs) throws Exception {
    return new JsonArray(rowText(rs));
  }

  /** The row's JSON text as the encoder wrote it. */
  private static String rowText(SimpleResultSet rs) throws Exception {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = new JsonFactory().createGenerator(text)) {
      int[] types = ValueEncoder.types(rs.getMetaData());
      rs.next();
      out.writeStartArray();
      for (int i = 0; i < types.length; i++) {
        ValueEncoder.write(out, rs, i + 1, types[i], 1 << 20);
      }
      out.writeEndArray();
    }
    return text.toString();
  }

  private static String columns(ResultSet rs) throws Exception {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = new JsonFactory().createGenerator(text)) {
      ValueEncoder.writeColumns(out, rs.getMetaData());
    }
    return text.toString();
  }

  @Test
  void sqlServerValuesAreWrittenExactly() throws Exception {
    SimpleResultSet rs = new DriverRows();
    rs.addColumn("guid", Types.CHAR, "uniqueidentifier", 36, 0);
    rs.addColumn("dto", microsoft.sql.Types.DATETIMEOFFSET, "datetimeoffset", 34, 7);
    rs.addColumn("money", Types.DECIMAL, "money", 19, 4);
    rs.addColumn("bigdec", Types.DECIMAL, "decimal", 38, 0);
    rs.addColumn("tiny", Types.DECIMAL, "decimal", 38, 12);
    rs.addColumn("bigint", Types.BIGINT, "bigint", 19, 0);
    rs.addColumn("datetime", Types.TIMESTAMP, "datetime", 23, 3);
    rs.addColumn("real", Types.REAL, "real", 24, 0);
    rs.addColumn("variant", microsoft.sql.Types.SQL_VARIANT, "sql_variant", 8016, 0);
    rs.addColumn("xml", Types.SQLXML, "xml", 0, 0);
    rs.addColumn("bit", Types.BIT, "bit", 1, 0);
    rs.addRow("6F9619FF-8B86-D011-B42D-00C04FC964FF",
        microsoft.sql.DateTimeOffset.valueOf(Timestamp.valueOf("2024-05-01 00:30:00.1234567"), 10 * 60),
        new BigDecimal("922337203685477.5807"),
        new BigDecimal("12345678901234567890123456789012345678"),
        new BigDecimal("0.000000000100"),
        9_007_199_254_740_993L,
        Timestamp.valueOf(LocalDateTime.of(2024, 5, 1, 10, 30)),
        0.1f,
        Timestamp.valueOf(LocalDateTime.of(2024, 5, 1, 10, 30, 5)),
        "<a>x</a>",
        true);
    String text = rowText(rs);
    JsonArray row = new JsonArray(text);
    assertThat(row.getValue(0)).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    // DateTimeOffset.valueOf takes the instant in UTC: 00:30 UTC is 10:30 at +10:00, as SQL Server shows it
    assertThat(row.getValue(1)).isEqualTo("2024-05-01T10:30:00.123456700+10:00");
    // numbers as written by the encoder: exact digits, no exponent, REAL as the float's shortest decimal
    assertThat(text).contains(",922337203685477.5807,", ",12345678901234567890123456789012345678,",
        ",0.000000000100,", ",9007199254740993,", ",0.1,");
    assertThat(row.getValue(6)).isEqualTo("2024-05-01T10:30:00");
    assertThat(row.getValue(8)).isEqualTo("2024-05-01T10:30:05");
    assertThat(row.getValue(9)).isEqualTo("<a>x</a>");
    assertThat(row.getValue(10)).isEqualTo(true);
    assertThat(columns(rs)).contains("{\"name\":\"guid\",\"type\":\"UNIQUEIDENTIFIER\"}",
        "{\"name\":\"dto\",\"type\":\"DATETIMEOFFSET\"}", "{\"name\":\"money\",\"type\":\"DECIMAL\"}");
  }

  /** A DATETIMEOFFSET in UTC, and one west of it: the offset as it was stored. */
  @Test
  void offsetsAreKept() throws Exception {
    SimpleResultSet rs = new DriverRows();
    rs.addColumn("utc", microsoft.sql.Types.DATETIMEOFFSET, "datetimeoffset", 34, 7);
    rs.addColumn("west", microsoft.sql.Types.DATETIMEOFFSET, "datetimeoffset", 34, 7);
    rs.addColumn("h2", Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP WITH TIME ZONE", 34, 7);
    rs.addRow(microsoft.sql.DateTimeOffset.valueOf(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)),
        microsoft.sql.DateTimeOffset.valueOf(OffsetDateTime.of(2024, 1, 2, 3, 4, 0, 0, ZoneOffset.ofHoursMinutes(-9, -30))),
        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
    assertThat(row(rs)).containsExactly("2024-01-02T03:04:05Z", "2024-01-02T03:04:00-09:30", "2024-01-02T03:04:05+02:00");
  }

  /**
   * SQL Server stores a uniqueidentifier's first three groups little-endian; its driver's getBytes
   * gives those bytes (CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS binary(16)) is
   * 0xFF19966F868B11D0B42D00C04FC964FF, Microsoft's own example).
   */
  @Test
  void guidBytesInSqlServerOrderAndStringsInEitherCase() {
    byte[] sqlServerBytes = HexFormat.of().parseHex("FF19966F868B11D0B42D00C04FC964FF");
    assertThat(ValueEncoder.guid(sqlServerBytes)).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    assertThat(ValueEncoder.guid("6F9619FF-8B86-D011-B42D-00C04FC964FF")).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    assertThat(ValueEncoder.guid(java.util.UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff")))
        .isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    assertThat(ValueEncoder.guid(null)).isNull();
  }
}
