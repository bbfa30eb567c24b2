package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Pathological input is refused quickly and leaves nothing running. The time limits asserted here
 * are generous ceilings (a loaded build machine must not make them flaky); the point is that none
 * of these can take a thread for long, which without the bounds they would (JSqlParser needs
 * seconds for ten nested IN subqueries and is quadratic in list length).
 */
class SqlGuardBoundsTest {
  private static final Duration QUICKLY = Duration.ofMillis(1_000);

  private final SqlGuard guard = new SqlGuard(2_000_000);

  @Test
  void refusesTooLongAStatementBeforeReadingIt() {
    assertThatThrownBy(() -> new SqlGuard(100).check("SELECT 1 FROM dbo.Patients WHERE Surname = '" + "x".repeat(200) + "'"))
        .isInstanceOf(GuardException.class).hasMessageContaining("longer than 100 characters");
  }

  @Test
  void refusesAHundredThousandOpeningParentheses() {
    refusedQuickly("SELECT " + "(".repeat(100_000) + "1", "nested more than 32 deep");
  }

  @Test
  void refusesAHundredThousandClosingParentheses() {
    refusedQuickly("SELECT 1" + ")".repeat(100_000), "closes nothing");
  }

  @Test
  void refusesParenthesesNestedJustPastTheLimit() {
    refusedQuickly("SELECT " + "(".repeat(33) + "1" + ")".repeat(33) + " FROM dbo.Patients", "nested more than 32 deep");
  }

  @Test
  void refusesAHugeInList() {
    StringJoiner list = new StringJoiner(", ", "SELECT * FROM dbo.Patients WHERE PatientId IN (", ")");
    for (int i = 0; i < 100_000; i++) {
      list.add(Integer.toString(i));
    }
    refusedQuickly(list.toString(), "more than 1000 items");
  }

  @Test
  void allowsALongButReasonableInList() {
    StringJoiner list = new StringJoiner(", ", "SELECT * FROM dbo.Patients WHERE PatientId IN (", ")");
    for (int i = 0; i < 500; i++) {
      list.add(Integer.toString(i));
    }
    long start = System.nanoTime();
    assertThat(guard.check(list.toString()).tables()).containsExactly("dbo.patients");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void refusesDeeplyNestedSubqueries() {
    refusedQuickly("SELECT * FROM dbo.Patients WHERE PatientId IN "
        + "(SELECT PatientId FROM dbo.Patients WHERE PatientId IN ".repeat(30) + "(1)" + ")".repeat(30), "nested");
  }

  @Test
  void refusesSubqueriesNestedJustPastTheLimit() {
    refusedQuickly("SELECT * FROM dbo.Patients WHERE PatientId IN "
        + "(SELECT PatientId FROM dbo.Patients WHERE PatientId IN ".repeat(8) + "(1)" + ")".repeat(8), "subqueries are nested more than 8 deep");
  }

  @Test
  void boundsTheWorstNestingItAllows() {
    // Seven IN subqueries inside one another: the deepest the guard lets JSqlParser see, where
    // its look-ahead is slowest. Allowed or timed out, it must come back within the deadline.
    String sql = "SELECT * FROM dbo.Patients WHERE PatientId IN "
        + "(SELECT PatientId FROM dbo.Patients WHERE PatientId IN ".repeat(7) + "(1)" + ")".repeat(7);
    long start = System.nanoTime();
    try {
      guard.check(sql);
    } catch (GuardException e) {
      assertThat(e).hasMessageContaining("too complex");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(Bounds.DEFAULT.parseTimeoutMs() + 1_000));
  }

  @Test
  void keepsDeepStatementsAwayFromJSqlParsersExponentialComplexMode() {
    // Six parenthesised CASEs with an IIF: valid T-SQL, which JSqlParser's complex mode (needed
    // for the IIF condition) takes seconds over. Too deep for complex mode, it is refused at once.
    String sql = "SELECT IIF(Sex = 'F', 1, 0), " + "(CASE WHEN (Sex = 'F') THEN ".repeat(6) + "1" + " END)".repeat(6)
        + " FROM dbo.Patients";
    refusedQuickly(sql, "could not be fully understood");
  }

  @Test
  void refusesAVeryLongName() {
    refusedQuickly("SELECT " + "a".repeat(1_000_000) + " FROM dbo.Patients", "longer than 128 characters");
    refusedQuickly("SELECT [" + "a".repeat(1_000_000) + "] FROM dbo.Patients", "longer than 128 characters");
  }

  @Test
  void refusesTooManyTokens() {
    refusedQuickly("SELECT 1" + " + 1".repeat(6_000) + " FROM dbo.Patients", "more than 10000 tokens");
  }

  @Test
  void aMegabyteOfCommentsIsRefusedByLengthAtOnce() {
    SqlGuard agentSized = new SqlGuard(262_144);
    refusedQuickly(agentSized, "SELECT 1 /*" + "x".repeat(1_000_000) + "*/ FROM dbo.Patients", "longer than 262144 characters");
  }

  @Test
  void commentsAndWhitespaceUpToTheLimitCostLittle() {
    // The parser is given the tokens only, so none of this reaches JSqlParser.
    String sql = "SELECT PatientId /*" + " comment ".repeat(100_000) + "*/ FROM" + " \n".repeat(200_000)
        + "dbo.Patients -- " + "x".repeat(300_000);
    long start = System.nanoTime();
    assertThat(guard.check(sql).tables()).containsExactly("dbo.patients");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUICKLY);
  }

  @Test
  void aMegabyteOfNestedCommentsLeftOpenIsRefused() {
    refusedQuickly("SELECT 1 " + "/*".repeat(500_000), "unterminated comment");
  }

  @Test
  void stringsAndNumbersAreBounded() {
    String sql = "SELECT PatientId FROM dbo.Patients WHERE Surname = '" + "x''".repeat(2_000) + "'";
    assertThat(guard.check(sql).tables()).containsExactly("dbo.patients");
    refusedQuickly("SELECT PatientId FROM dbo.Patients WHERE Surname = '" + "x".repeat(1_000_000) + "'", "pass long values as ? parameters");
    refusedQuickly("SELECT " + "9".repeat(1_000_000) + " FROM dbo.Patients", "longer than 100 characters");
  }

  @Test
  void aParseThatRunsPastItsDeadlineIsRefusedOnTheCallingThread() {
    SqlGuard hurried = new SqlGuard(65_536, Set.of(), Bounds.DEFAULT.withParseTimeoutMs(1), false);
    refusedQuickly(hurried, longJoin(100), "too complex");
  }

  @Test
  void aLongParseRunsOnThePoolAndLeavesNoThreadBehind() throws InterruptedException {
    SqlGuard hurried = new SqlGuard(65_536, Set.of(), Bounds.DEFAULT.withParseTimeoutMs(5), false);
    String sql = longJoin(250);
    assertThat(SqlLexer.tokenize(sql).size()).isGreaterThan(DeadlineParser.INLINE_MAX_TOKENS);
    for (int i = 0; i < 5; i++) {
      refusedQuickly(hurried, sql, "too complex");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (DeadlineParser.busyPoolThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(DeadlineParser.busyPoolThreads()).as("parser threads still running").isZero();
  }

  /** A legitimate statement that takes JSqlParser a few milliseconds: many joins and conditions. */
  private static String longJoin(int joins) {
    StringBuilder sql = new StringBuilder("SELECT p.PatientId FROM dbo.Patients p");
    for (int i = 0; i < joins; i++) {
      sql.append(" LEFT JOIN dbo.Appointments a").append(i).append(" ON a").append(i).append(".PatientId = p.PatientId AND a")
          .append(i).append(".Status = 'x").append(i).append("'");
    }
    return sql.toString();
  }

  private void refusedQuickly(String sql, String reason) {
    refusedQuickly(guard, sql, reason);
  }

  private static void refusedQuickly(SqlGuard guard, String sql, String reason) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(GuardException.class).hasMessageContaining(reason);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUICKLY);
  }
}
