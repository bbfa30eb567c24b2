package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.statement.Statements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> guard.check(null)).isInstanceOf(GuardException.class).hasMessageContaining("empty");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT 1 DELETE FROM dbo.Patients                         | 'DELETE' writes data",
      "DROP TABLE dbo.Patients                                   | 'DROP' changes the schema",
      "SELECT * INTO #t FROM dbo.Patients                        | SELECT … INTO is not allowed",
      "EXEC('SELECT 1')                                          | procedures and dynamic SQL",
      "SELECT 1 WAITFOR DELAY '0:0:5'                            | 'WAITFOR' waits",
      "SELECT * FROM OPENQUERY(ls, 'SELECT 1')                   | reaches outside the database",
      "SELECT * FROM dbo.Patients WITH (HOLDLOCK)                | the table hint 'HOLDLOCK' is not allowed",
      "SELECT NEXT VALUE FOR dbo.s                               | NEXT VALUE FOR",
      "SELECT 1; SELECT 2                                        | only one statement",
      "SELECT 1 SELECT 2                                         | only one statement",
      "SELECT HOST_NAME()                                        | the function 'HOST_NAME' is not on the allowed list",
      "SELECT dbo.fnX(1)                                         | user-defined functions",
      "SELECT * FROM Other.dbo.Patients                          | three- and four-part names",
      "SELECT * FROM sys.objects                                 | system catalogue",
      "SELECT @@SERVERNAME                                       | server globals",
      "SELECT * FROM dbo.Patients WHERE PatientId = @id          | bind values with ? parameters",
      "BEGIN TRAN                                                | controls transactions",
      "BACKUP DATABASE PMS TO DISK = 'x'                         | administrative command",
      "BULK INSERT dbo.Patients FROM 'x'                         | administrative command",
      "USE master                                                | switches database"
  })
  void saysPreciselyWhy(String sql, String reason) {
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class).hasMessageContaining(reason);
  }

  /**
   * Why the guard does not trust JSqlParser alone: it reads each of these as one harmless SELECT
   * (a reserved word taken as an alias, a comment closed where T-SQL keeps it open, …), while SQL
   * Server would run a second statement or a hint. The lexical reading refuses them.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1 DELETE FROM dbo.Patients",
      "SELECT * FROM dbo.Patients COMMIT",
      "SELECT 1 SHUTDOWN",
      "SELECT 1 /* outer /* inner */ DELETE FROM dbo.Patients",
      "SELECT * FROM dbo.Patients p (TABLOCKX)",
      "SELECT * FROM dbo.Patients HOLDLOCK",
      "SELECT 1DELETE FROM dbo.Patients",
      "SELECT * FROM dbo.Patients GO",
      "WITH x (EXEC) AS (SELECT 1) SELECT 1 FROM x"
  })
  void refusesWhatJSqlParserAloneReadsAsHarmless(String sql) {
    Statements parsed = DeadlineParser.parse(sql, 5_000, true, true);
    assertThat(TreeReading.read(parsed, Set.of())).as("JSqlParser's reading").isNotNull();
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class);
  }

  @Test
  void remembersOnlyTheExactTextsItAllowed() {
    SqlGuard fresh = new SqlGuard(65_536);
    String sql = "SELECT TOP 5 PatientId FROM dbo.Patients WHERE Surname = ?";
    assertThat(fresh.remembered(sql)).isNull();
    SqlGuard.Checked checked = fresh.check(sql);
    assertThat(fresh.remembered(new String(sql.toCharArray()))).isEqualTo(checked);
    assertThat(fresh.remembered(sql + " ")).as("another text").isNull();
    assertThatThrownBy(() -> fresh.check("DELETE FROM dbo.Patients")).isInstanceOf(GuardException.class);
    assertThat(fresh.remembered("DELETE FROM dbo.Patients")).as("refusals are not remembered").isNull();
    assertThat(fresh.remembered(null)).isNull();
  }

  @Test
  void theDatabaseRunsExactlyTheTextThatWasChecked() {
    String sql = "SELECT TOP 5 WITH\n TIES p.PatientId /* why */ FROM dbo.Patients p WITH (READUNCOMMITTED) ORDER BY 1 -- end";
    SqlGuard.Checked checked = guard.check(sql);
    assertThat(checked.sql()).isSameAs(sql);
  }

  @Test
  void extraFunctionsAreAllowedInBothReadings() {
    String sql = "SELECT PatientId, SLEEP_MS(10) FROM dbo.Patients WHERE dbo.fnAge(DOB) > 65";
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class).hasMessageContaining("SLEEP_MS");
    SqlGuard lenient = new SqlGuard(65_536, Set.of("sleep_ms", "[dbo].[fnAge]"));
    assertThat(lenient.check(sql).tables()).containsExactly("dbo.patients");
    assertThatThrownBy(() -> lenient.check("SELECT dbo.fnOther(1)")).isInstanceOf(GuardException.class);
  }

  @Test
  void everyAllowedFunctionIsNamedInTheList() {
    assertThat(FunctionAllowList.names()).contains("COUNT", "ROW_NUMBER", "DATEADD", "ISNULL", "STRING_AGG")
        .doesNotContain("DB_NAME", "SUSER_SNAME", "OPENROWSET", "OBJECT_ID", "SERVERPROPERTY");
    assertThat(FunctionAllowList.allows("getdate")).isTrue();
  }

  @Test
  void manyThreadsCanCheckAtOnce() throws Exception {
    List<GuardCorpus.Entry> corpus = GuardCorpus.load("legitimate.sql");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        done.add(threads.submit(() -> {
          for (int i = 0; i < corpus.size(); i++) {
            GuardCorpus.Entry entry = corpus.get((i + offset * 37) % corpus.size());
            assertThat(guard.check(entry.sql()).sql()).isSameAs(entry.sql());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Function calls and binary literals as BETWEEN bounds (which JSqlParser 5.3 cannot read in place)
   * are read, and walked, all the same: what a bound holds is checked like any other expression.
   */
  @Test
  void betweenBoundsAndBinaryLiteralsAreReadInFull() {
    assertThat(guard.check("SELECT a FROM dbo.T WHERE d BETWEEN CAST(GETDATE() AS date) AND DATEADD(day, 14, CAST(GETDATE() AS date))")
        .tables()).containsExactly("dbo.t");
    assertThat(guard.check("SELECT a FROM dbo.T WHERE b = 0x1F AND c BETWEEN 0x00 AND 0xFF").tables()).containsExactly("dbo.t");
    // a subquery bound stays in place and its table is read; the other bound is taken out
    assertThat(guard.check("SELECT a FROM dbo.T WHERE d BETWEEN (SELECT MIN(x) FROM dbo.Other) AND EOMONTH(GETDATE())")
        .tables()).containsExactly("dbo.other", "dbo.t");
    assertThat(guard.check("SELECT a FROM dbo.T WHERE d BETWEEN ? AND DATEADD(day, ?, ?)").placeholders()).isEqualTo(3);
    // what a bound calls is still checked, by both readings
    for (String refused : List.of(
        "SELECT a FROM dbo.T WHERE d BETWEEN DB_NAME() AND DATEADD(day, 1, CAST(GETDATE() AS date))",
        "SELECT a FROM dbo.T WHERE d BETWEEN dbo.Secret(1) AND DATEADD(day, 1, CAST(GETDATE() AS date))",
        "SELECT a FROM dbo.T WHERE d BETWEEN ABS(1) AND DATEADD(day, 1, (SELECT MAX(x) FROM sys.objects))",
        "SELECT a FROM dbo.T WHERE d BETWEEN OPENROWSET('x', 'y', 'z') AND 1")) {
      assertThatThrownBy(() -> guard.check(refused)).as(refused).isInstanceOf(GuardException.class);
    }
  }

  @Test
  void placeholdersAreCountedOnTokens() {
    assertThat(guard.check("SELECT '?' AS [q?], ? AS p FROM dbo.T /* ? */ WHERE a = ? -- ?").placeholders()).isEqualTo(2);
    assertThat(guard.check("SELECT 1 AS one").placeholders()).isZero();
  }
}
