package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard against its corpora: T-SQL that integrations send (src/test/resources/guard/
 * legitimate.sql), hostile statements of every kind the relay refuses (hostile.sql), and
 * legitimate T-SQL that the guard refuses today, each with the reason (refused-legitimate.sql:
 * JSqlParser 5.3's gaps and deliberate policy). On top of the files, variants generated from
 * templates: every legitimate statement re-laid-out must read the same, and dangerous statements
 * appended to legitimate ones in every way T-SQL separates statements must be refused.
 */
class SqlGuardCorpusTest {
  private static final List<GuardCorpus.Entry> LEGITIMATE = GuardCorpus.load("legitimate.sql");
  private static final List<GuardCorpus.Entry> HOSTILE = GuardCorpus.load("hostile.sql");
  private static final List<GuardCorpus.Entry> REFUSED_LEGITIMATE = GuardCorpus.load("refused-legitimate.sql");

  private final SqlGuard guard = new SqlGuard(65_536);

  static Stream<GuardCorpus.Entry> legitimate() {
    return LEGITIMATE.stream();
  }

  static Stream<GuardCorpus.Entry> hostile() {
    return HOSTILE.stream();
  }

  static Stream<GuardCorpus.Entry> refusedLegitimate() {
    return REFUSED_LEGITIMATE.stream();
  }

  @Test
  void corporaAreLargeAndHostileEntriesSayWhatTheyAttempt() {
    assertThat(LEGITIMATE).hasSizeGreaterThanOrEqualTo(300);
    assertThat(HOSTILE).hasSizeGreaterThanOrEqualTo(300);
    assertThat(HOSTILE).allSatisfy(entry -> assertThat(entry.sql()).startsWith("-- "));
    assertThat(REFUSED_LEGITIMATE).allSatisfy(entry -> assertThat(entry.sql()).startsWith("-- "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legitimate")
  void allowsLegitimate(GuardCorpus.Entry entry) {
    SqlGuard.Checked checked = guard.check(entry.sql());
    assertThat(checked.sql()).isSameAs(entry.sql());
    assertThat(checked.tables()).allSatisfy(table -> assertThat(table).matches("[a-z0-9_]+\\.[a-z0-9_]+"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusesHostile(GuardCorpus.Entry entry) {
    if (entry.scope().isEmpty()) {
      assertThatThrownBy(() -> guard.check(entry.sql())).isInstanceOf(GuardException.class);
    } else {
      SqlGuard.Checked checked = guard.check(entry.sql());
      assertThatThrownBy(() -> guard.checkScope(checked, entry.scope())).isInstanceOf(ScopeException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedLegitimate")
  void refusesKnownGapsWithAReason(GuardCorpus.Entry entry) {
    // If JSqlParser learns one of these, move the entry to legitimate.sql.
    assertThatThrownBy(() -> guard.check(entry.sql())).isInstanceOf(GuardException.class).hasMessageNotContaining("Exception");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legitimate")
  void layoutAndCaseDoNotChangeTheReading(GuardCorpus.Entry entry) {
    Set<String> tables = guard.check(entry.sql()).tables();
    List<SqlToken> tokens = SqlLexer.tokenize(entry.sql());
    String terminated = tokens.get(tokens.size() - 1).text().equals(";") ? entry.sql() : entry.sql() + "\n;";
    for (String variant : List.of(relaidOut(entry.sql()), lowerCaseWords(entry.sql()), terminated)) {
      assertThat(guard.check(variant).tables()).as(variant).isEqualTo(tables);
    }
  }

  static Stream<String> appendedStatements() {
    List<String> bases = List.of(
        "SELECT PatientId FROM dbo.Patients",
        "SELECT TOP 5 p.PatientId FROM dbo.Patients p WITH (NOLOCK) WHERE p.Surname = ? ORDER BY p.PatientId",
        "WITH x AS (SELECT PatientId FROM dbo.Appointments) SELECT PatientId FROM x",
        "SELECT * FROM (SELECT 1 AS a) AS t",
        "SELECT CASE WHEN Sex = 'F' THEN 1 ELSE 0 END AS f FROM dbo.Patients",
        "SELECT PatientId FROM dbo.Patients ORDER BY PatientId OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY");
    List<String> separators = List.of(" ", ";", "; ", "\n", "\r\n", "\t", "\nGO\n", " /* x */ ", " -- x\n", "\n\n  ", ")(");
    List<String> statements = new ArrayList<>(List.of(
        "SELECT 2", "(SELECT 2)", "DELETE FROM dbo.Patients", "DELETE dbo.Patients", "UPDATE dbo.Invoices SET Paid = 1",
        "INSERT INTO dbo.Recalls (RecallId) VALUES (1)", "MERGE dbo.Patients USING dbo.Recalls ON 1 = 1 WHEN MATCHED THEN DELETE;",
        "TRUNCATE TABLE dbo.Invoices", "DROP TABLE dbo.Patients", "ALTER TABLE dbo.Patients ADD x INT",
        "CREATE TABLE dbo.x (a INT)", "EXEC sp_who", "EXECUTE('SELECT 1')", "EXEC master..xp_cmdshell 'dir'",
        "WAITFOR DELAY '0:0:5'", "DECLARE @x INT", "SET ROWCOUNT 0", "USE master", "BEGIN TRAN", "COMMIT",
        "ROLLBACK", "SAVE TRAN s", "BACKUP DATABASE PMS TO DISK = 'x'", "BULK INSERT dbo.Patients FROM 'x'",
        "DBCC CHECKDB", "KILL 1", "SHUTDOWN", "RECONFIGURE", "OPEN c", "FETCH NEXT FROM c", "CLOSE c",
        "DEALLOCATE c", "GRANT SELECT ON dbo.Patients TO public", "WITH y AS (SELECT 1 AS b) SELECT b FROM y",
        "THROW 50000, 'x', 1", "PRINT 'x'", "IF 1 = 1 SELECT 1", "SELECT * INTO #t FROM dbo.Patients",
        "SELECT * FROM OPENROWSET('SQLNCLI', 'x', 'SELECT 1')", "SELECT @@VERSION", "GO"));
    List<String> cases = new ArrayList<>();
    for (String base : bases) {
      for (String separator : separators) {
        for (String statement : statements) {
          cases.add(base + separator + statement);
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("appendedStatements")
  void refusesAnySecondStatementHoweverSeparated(String sql) {
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class);
  }

  static Stream<String> hiddenInsideAQuery() {
    List<String> payloads = List.of(
        "DELETE FROM dbo.Patients", "EXEC sp_who", "WAITFOR DELAY '0:0:5'", "UPDATE dbo.Invoices SET Paid = 1",
        "SELECT * FROM OPENQUERY(ls, 'SELECT 1')", "SELECT NEXT VALUE FOR dbo.s", "SELECT * FROM sys.objects",
        "SELECT * FROM Other.dbo.Patients", "SELECT SUSER_SNAME()", "SELECT * FROM dbo.Patients WITH (UPDLOCK)",
        "SELECT * FROM dbo.Patients FOR UPDATE", "SELECT @@SPID", "SELECT * FROM #t", "SELECT dbo.fnEvil(1)");
    List<String> holders = List.of(
        "WITH x AS (%s) SELECT * FROM x",
        "SELECT * FROM dbo.Patients WHERE PatientId IN (%s)",
        "SELECT * FROM dbo.Patients p WHERE EXISTS (%s)",
        "SELECT (%s) AS v FROM dbo.Patients",
        "SELECT * FROM (%s) AS d",
        "SELECT * FROM dbo.Patients p CROSS APPLY (%s) AS a",
        "SELECT PatientId FROM dbo.Patients UNION %s",
        "SELECT PatientId FROM dbo.Patients ORDER BY (%s)");
    return holders.stream().flatMap(holder -> payloads.stream().map(payload -> String.format(holder, payload)));
  }

  @ParameterizedTest
  @MethodSource("hiddenInsideAQuery")
  void refusesWhatHidesInsideAQuery(String sql) {
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class);
  }

  /** Every gap between tokens that held whitespace or comments becomes a line break, a tab and a comment. */
  private static String relaidOut(String sql) {
    List<SqlToken> tokens = SqlLexer.tokenize(sql);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (i > 0 && t.start() > tokens.get(i - 1).end()) {
        text.append("\n\t/* gap */ ");
      }
      text.append(sql, t.start(), t.end());
    }
    return text.toString();
  }

  /** Unquoted words in lower case; strings and quoted names untouched. */
  private static String lowerCaseWords(String sql) {
    StringBuilder text = new StringBuilder(sql);
    for (SqlToken t : SqlLexer.tokenize(sql)) {
      if (t.kind() == SqlToken.Kind.WORD) {
        text.replace(t.start(), t.end(), sql.substring(t.start(), t.end()).toLowerCase(Locale.ROOT));
      }
    }
    return text.toString();
  }
}
