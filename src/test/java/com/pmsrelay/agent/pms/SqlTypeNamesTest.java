package com.pmsrelay.agent.pms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Column types as schema discovery names them, from INFORMATION_SCHEMA.COLUMNS as SQL Server fills
 * it (no SQL Server runs here: these are its documented values) and as H2 does for the demo PMS.
 */
class SqlTypeNamesTest {

  private static String sqlServer(String type, Long length, Integer precision, Integer scale, Integer timePrecision) {
    return SqlTypeNames.of(false, type, length, precision, scale, timePrecision);
  }

  @Test
  void sqlServerTypesKeepTheirNamesWithLengthPrecisionAndScale() {
    assertThat(sqlServer("int", null, 10, 0, null)).isEqualTo("int");
    assertThat(sqlServer("nvarchar", 50L, null, null, null)).isEqualTo("nvarchar(50)");
    assertThat(sqlServer("nvarchar", -1L, null, null, null)).isEqualTo("nvarchar(max)");
    assertThat(sqlServer("varbinary", -1L, null, null, null)).isEqualTo("varbinary(max)");
    assertThat(sqlServer("char", 1L, null, null, null)).isEqualTo("char(1)");
    assertThat(sqlServer("decimal", null, 10, 2, null)).isEqualTo("decimal(10,2)");
    assertThat(sqlServer("numeric", null, 18, 0, null)).isEqualTo("numeric(18,0)");
    assertThat(sqlServer("money", null, 19, 4, null)).isEqualTo("money");
    assertThat(sqlServer("datetime2", null, null, null, 7)).isEqualTo("datetime2");
    assertThat(sqlServer("datetime2", null, null, null, 3)).isEqualTo("datetime2(3)");
    assertThat(sqlServer("datetimeoffset", null, null, null, 7)).isEqualTo("datetimeoffset");
    assertThat(sqlServer("time", null, null, null, 0)).isEqualTo("time(0)");
    assertThat(sqlServer("datetime", null, null, null, 3)).isEqualTo("datetime");
    assertThat(sqlServer("uniqueidentifier", null, null, null, null)).isEqualTo("uniqueidentifier");
    assertThat(sqlServer("bit", null, null, null, null)).isEqualTo("bit");
    assertThat(sqlServer("ntext", 1073741823L, null, null, null)).isEqualTo("ntext");
  }

  @Test
  void h2StandardNamesBecomeTheTsqlNamesTheDemoDeclared() {
    assertThat(SqlTypeNames.of(true, "INTEGER", null, 32, 0, null)).isEqualTo("int");
    assertThat(SqlTypeNames.of(true, "CHARACTER VARYING", 40L, null, null, null)).isEqualTo("varchar(40)");
    assertThat(SqlTypeNames.of(true, "CHARACTER VARYING", 1_000_000_000L, null, null, null)).isEqualTo("varchar(max)");
    assertThat(SqlTypeNames.of(true, "NUMERIC", null, 10, 2, null)).isEqualTo("decimal(10,2)");
    assertThat(SqlTypeNames.of(true, "TIMESTAMP", null, null, null, 7)).isEqualTo("datetime2");
    assertThat(SqlTypeNames.of(true, "TIME", null, null, null, 0)).isEqualTo("time");
    assertThat(SqlTypeNames.of(true, "BOOLEAN", null, null, null, null)).isEqualTo("bit");
    assertThat(SqlTypeNames.of(true, "BINARY LARGE OBJECT", Long.MAX_VALUE, null, null, null)).isEqualTo("varbinary(max)");
    assertThat(SqlTypeNames.of(true, "ENUM", null, null, null, null)).isEqualTo("enum");
  }
}
