package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The text of {@code execution_failed}: the database's words about what to fix, without a value
 * of the practice's data, the echoed statement, driver numbers or Java class names. H2's messages
 * come from a real H2; SQL Server's are its documented message texts (its server cannot run here),
 * as its driver reports them.
 */
class DatabaseErrorTextTest {
  private static SQLException h2Error(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:errors;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE", "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS Patients (PatientId INT, FullName VARCHAR(50))");
      s.execute("DELETE FROM Patients");
      s.execute("INSERT INTO Patients VALUES (1, 'Mai Nguyen')");
      try (var rs = s.executeQuery(sql)) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
      throw new AssertionError("no error from " + sql);
    } catch (SQLException e) {
      if (e.getMessage().contains("no error from")) {
        throw e;
      }
      return e;
    }
  }

  @Test
  void aMissingColumnIsNamedAsTheQueryWroteItWithoutTheEchoedStatementOrH2Numbers() throws Exception {
    String sql = "SELECT NoSuchColumn FROM Patients";
    String text = DatabaseErrorText.describe(h2Error(sql), sql);
    assertThat(text).isEqualTo("Column \"NoSuchColumn\" not found (SQLSTATE 42S22)");
  }

  @Test
  void aValueReadFromThePracticesDataIsWithheld() throws Exception {
    String sql = "SELECT CAST(FullName AS INT) FROM Patients";
    String text = DatabaseErrorText.describe(h2Error(sql), sql);
    assertThat(text).doesNotContain("Mai").doesNotContain("Nguyen").contains(DatabaseErrorText.WITHHELD)
        .contains("SQLSTATE 22018");
  }

  @Test
  void sqlServersMessagesKeepTheQuerysNamesAndWithholdItsData() {
    String sql = "SELECT CAST(FullName AS INT) FROM dbo.Patients WHERE Surname = 'Smith'";
    assertThat(DatabaseErrorText.describe(new SQLException(
        "Conversion failed when converting the varchar value 'Mai Nguyen' to data type int.", "22018", 245), sql))
        .isEqualTo("Conversion failed when converting the varchar value (a value) to data type int. (SQLSTATE 22018)");
    assertThat(DatabaseErrorText.describe(new SQLException("Invalid column name 'Surname'.", "S0001", 207), sql))
        .isEqualTo("Invalid column name 'Surname'. (SQLSTATE S0001)");
    assertThat(DatabaseErrorText.describe(new SQLException("Invalid object name 'dbo.Patients'.", "S0002", 208), sql))
        .isEqualTo("Invalid object name 'dbo.Patients'. (SQLSTATE S0002)");
    // The integrator's own literal may be repeated back to it.
    assertThat(DatabaseErrorText.describe(new SQLException("Conversion failed for value 'Smith'.", "22018"), sql))
        .contains("'Smith'");
  }

  @Test
  void javaClassNamesAreDroppedAndTheTextIsBounded() {
    String sql = "SELECT 1";
    assertThat(DatabaseErrorText.describe(new SQLException(
        "General error: \"java.lang.IllegalStateException: broken [50000-240]\"; SQL statement:\nSELECT 1 [50000-240]",
        "HY000"), sql)).doesNotContain("java.").doesNotContain("IllegalStateException").doesNotContain("SQL statement")
        .doesNotContain("[50000-240]");
    assertThat(DatabaseErrorText.describe(new SQLException(
        "org.h2.jdbc.JdbcSQLNonTransientException: disk full", "HY000"), sql)).isEqualTo("disk full (SQLSTATE HY000)");
    String endless = DatabaseErrorText.describe(new SQLException("x".repeat(10_000), "42000"), sql);
    assertThat(endless).hasSizeLessThan(DatabaseErrorText.MAX_CHARS + 30);
    assertThat(DatabaseErrorText.describe(new SQLException((String) null), sql)).isEqualTo("the database refused the query");
  }
}
