package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checked.tables() and checkScope: every table a statement reads, wherever it is named. */
class SqlGuardScopeTest {
  private static final List<String> PATIENTS_AND_APPOINTMENTS = List.of("dbo.Patients", "dbo.Appointments");

  private final SqlGuard guard = new SqlGuard(65_536);

  @Test
  void tablesAreNormalisedAndExcludeCtesAndAliases() {
    SqlGuard.Checked checked = guard.check("WITH upcoming AS (SELECT a.PatientId FROM [dbo].[APPOINTMENTS] a WITH (NOLOCK)) "
        + "SELECT p.PatientId FROM upcoming u JOIN Patients p ON p.PatientId = u.PatientId JOIN \"dbo\".\"Practitioners\" pr ON 1 = 1");
    assertThat(checked.tables()).containsExactly("dbo.appointments", "dbo.patients", "dbo.practitioners");
  }

  @Test
  void otherSchemasAreKept() {
    assertThat(guard.check("SELECT * FROM md.vwPatients v JOIN Billing.Invoices i ON i.Id = v.Id").tables())
        .containsExactly("billing.invoices", "md.vwpatients");
  }

  @Test
  void aStatementWithoutTablesReadsNone() {
    assertThat(guard.check("SELECT GETDATE() AS Now").tables()).isEmpty();
    assertThat(guard.check("SELECT v.x FROM (VALUES (1), (2)) AS v (x)").tables()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT p.PatientId FROM dbo.Patients p JOIN dbo.Invoices i ON i.PatientId = p.PatientId",
      "SELECT p.PatientId FROM dbo.Patients p LEFT OUTER JOIN dbo.Invoices i ON i.PatientId = p.PatientId",
      "SELECT p.PatientId FROM dbo.Patients p, dbo.Invoices i",
      "SELECT 1 FROM dbo.Patients p JOIN dbo.Appointments a ON a.PatientId = p.PatientId, Invoices",
      "SELECT * FROM dbo.Patients WHERE PatientId IN (SELECT PatientId FROM dbo.Invoices)",
      "SELECT * FROM dbo.Patients p WHERE EXISTS (SELECT 1 FROM dbo.Invoices i WHERE i.PatientId = p.PatientId)",
      "SELECT (SELECT COUNT(*) FROM dbo.Invoices) AS n FROM dbo.Patients",
      "SELECT * FROM dbo.Patients ORDER BY (SELECT MAX(InvoiceId) FROM dbo.Invoices)",
      "WITH i AS (SELECT PatientId FROM dbo.Invoices) SELECT * FROM dbo.Patients p JOIN i ON i.PatientId = p.PatientId",
      "WITH a AS (SELECT PatientId FROM dbo.Appointments), b AS (SELECT PatientId FROM a UNION SELECT PatientId FROM dbo.Invoices) SELECT * FROM b",
      "SELECT PatientId FROM dbo.Patients UNION SELECT PatientId FROM dbo.Invoices",
      "SELECT PatientId FROM dbo.Patients UNION ALL (SELECT PatientId FROM dbo.Invoices)",
      "SELECT PatientId FROM dbo.Patients EXCEPT SELECT PatientId FROM dbo.Invoices",
      "SELECT * FROM dbo.Patients p CROSS APPLY (SELECT TOP 1 * FROM dbo.Invoices i WHERE i.PatientId = p.PatientId) x",
      "SELECT * FROM dbo.Patients p OUTER APPLY (SELECT MAX(Amount) AS m FROM dbo.Invoices) x",
      "SELECT * FROM (SELECT * FROM (SELECT * FROM dbo.Invoices) a) b",
      "SELECT * FROM (dbo.Patients p JOIN dbo.Invoices i ON i.PatientId = p.PatientId)",
      "SELECT * FROM [DBO].[INVOICES]",
      "SELECT * FROM dbo.Invoices (NOLOCK)",
      "WITH Patients AS (SELECT * FROM dbo.Invoices) SELECT * FROM Patients",
      "WITH a AS (SELECT * FROM Invoices), Invoices AS (SELECT * FROM dbo.Patients) SELECT * FROM a",
      "WITH Invoices AS (SELECT * FROM dbo.Patients) SELECT * FROM dbo.Invoices",
      "WITH r AS (SELECT PatientId FROM dbo.Patients UNION ALL SELECT i.PatientId FROM dbo.Invoices i JOIN r ON r.PatientId = i.PatientId) SELECT * FROM r"
  })
  void refusesATableOutsideTheScopeWhereverItIsNamed(String sql) {
    SqlGuard.Checked checked = guard.check(sql);
    assertThat(checked.tables()).contains("dbo.invoices");
    assertThatThrownBy(() -> guard.checkScope(checked, PATIENTS_AND_APPOINTMENTS))
        .isInstanceOf(ScopeException.class)
        .hasMessageContaining("dbo.invoices")
        .extracting(e -> ((ScopeException) e).table()).isEqualTo("dbo.invoices");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT p.PatientId, a.StartsAt FROM dbo.Patients p JOIN dbo.Appointments a ON a.PatientId = p.PatientId",
      "WITH Invoices AS (SELECT PatientId FROM dbo.Appointments) SELECT * FROM Invoices JOIN Patients ON 1 = 1",
      "SELECT PatientId FROM [dbo].[PATIENTS] WHERE PatientId IN (SELECT PatientId FROM appointments)",
      "SELECT GETDATE()"
  })
  void allowsStatementsInsideTheScope(String sql) {
    assertThatCode(() -> guard.checkScope(guard.check(sql), PATIENTS_AND_APPOINTMENTS)).doesNotThrowAnyException();
  }

  @Test
  void scopeEntriesAreReadLikeTableNames() {
    SqlGuard.Checked checked = guard.check("SELECT * FROM dbo.Patients JOIN dbo.Appointments ON 1 = 1");
    assertThatCode(() -> guard.checkScope(checked, List.of("Patients", "[dbo].[Appointments]"))).doesNotThrowAnyException();
    assertThatCode(() -> guard.checkScope(checked, List.of("DBO.PATIENTS", "\"dbo\".\"appointments\""))).doesNotThrowAnyException();
  }

  @Test
  void anEmptyScopeMeansNoRestriction() {
    SqlGuard.Checked checked = guard.check("SELECT * FROM dbo.Invoices");
    assertThatCode(() -> guard.checkScope(checked, List.of())).doesNotThrowAnyException();
    assertThatCode(() -> guard.checkScope(checked, null)).doesNotThrowAnyException();
  }

  @Test
  void scopeEntriesThatAreNotTableNamesAllowNothing() {
    SqlGuard.Checked checked = guard.check("SELECT * FROM dbo.Patients");
    assertThatThrownBy(() -> guard.checkScope(checked, List.of("not a name!", "Other.dbo.Patients", "")))
        .isInstanceOf(ScopeException.class);
  }
}
