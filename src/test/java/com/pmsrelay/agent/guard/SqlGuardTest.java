package com.pmsrelay.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlGuardTest {
  private final SqlGuard guard = new SqlGuard(65_536);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT TOP 10 PatientId, FirstName FROM Patients WHERE Surname = ?",
      "SELECT TOP (5) [PatientId], [Surname] FROM [dbo].[Patients] WITH (NOLOCK)",
      "select p.PatientId from dbo.Patients p with (readuncommitted) where p.DOB < DATEADD(year, -65, GETDATE())",
      "WITH recent AS (SELECT PatientId FROM dbo.Appointments WHERE StartsAt > GETDATE()) SELECT COUNT(*) FROM recent",
      "SELECT PatientId FROM dbo.Patients ORDER BY PatientId OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY",
      "SELECT a.PatientId FROM dbo.Appointments a UNION SELECT r.PatientId FROM dbo.Recalls r",
      "SELECT 'DROP TABLE x; --' AS Harmless, [Set] FROM dbo.Patients;",
      "SELECT ISNULL(DVANo, '') FROM dbo.Patients /* comment with DELETE in it */ -- and EXEC here"
  })
  void allowsReadOnlySelects(String sql) {
    assertThat(guard.check(sql).sql()).isEqualTo(sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DELETE FROM dbo.Patients",
      "UPDATE dbo.Patients SET Surname = 'x'",
      "INSERT INTO dbo.Patients (PatientId) VALUES (1)",
      "DROP TABLE dbo.Patients",
      "SELECT * INTO #tmp FROM dbo.Patients",
      "SELECT * INTO dbo.Copy FROM dbo.Patients",
      "SELECT 1; SELECT 2",
      "SELECT 1 SELECT 2 FROM dbo.Patients; DELETE dbo.Patients",
      "SELECT 1\nGO\nSELECT 2",
      "EXEC sp_who",
      "SELECT * FROM OPENROWSET('SQLNCLI', 'x', 'SELECT 1')",
      "SELECT * FROM dbo.Patients WITH (UPDLOCK)",
      "SELECT * FROM dbo.Patients WITH (NOLOCK, XLOCK)",
      "WAITFOR DELAY '00:00:10'",
      "SELECT NEXT VALUE FOR dbo.Seq",
      "DECLARE @x INT",
      "SELECT @@VERSION",
      "SELECT * FROM dbo.Patients FOR UPDATE",
      "SELECT xp_cmdshell('dir')",
      "SELECT 'unterminated",
      "",
      "   "
  })
  void refusesEverythingElse(String sql) {
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class);
  }

  @org.junit.jupiter.api.Test
  void boundsInputLength() {
    assertThatThrownBy(() -> new SqlGuard(100).check("SELECT 1 FROM dbo.Patients WHERE Surname = '" + "x".repeat(200) + "'"))
        .isInstanceOf(GuardException.class).hasMessageContaining("longer");
  }
}
