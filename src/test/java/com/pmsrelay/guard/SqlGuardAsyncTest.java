package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** check(vertx, query), the entry point of the cloud and the agent: refusals arrive as problems to send. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SqlGuardAsyncTest {
  private static final String SQL = "SELECT p.PatientId FROM dbo.Patients p";

  private final SqlGuard guard = new SqlGuard(65_536);

  @Test
  void allowsAStatementWithinItsScopesAndRemembersIt(Vertx vertx) {
    SqlGuard.Checked checked = guard.check(vertx, query(SQL, "dbo.Patients")).await();
    assertThat(checked.tables()).containsExactly("dbo.patients");
    // Now remembered: checked without a worker thread, scopes still applied.
    assertThat(guard.remembered(SQL)).isNotNull();
    assertThat(guard.check(vertx, query(SQL)).await()).isEqualTo(checked);
    assertThat(problem(guard.check(vertx, query(SQL, "dbo.Invoices"))).code()).isEqualTo(ErrorCode.SCOPE_DENIED);
  }

  @Test
  void refusesWhatTheGuardRefuses(Vertx vertx) {
    RelayException rejected = problem(guard.check(vertx, query("DELETE FROM dbo.Patients")));
    assertThat(rejected.code()).isEqualTo(ErrorCode.SQL_REJECTED);
    assertThat(rejected.detail()).isNotBlank();
  }

  @Test
  void refusesATableOutsideTheScopesOfANewStatement(Vertx vertx) {
    RelayException denied = problem(guard.check(vertx, query(SQL, "dbo.Appointments")));
    assertThat(denied.code()).isEqualTo(ErrorCode.SCOPE_DENIED);
    assertThat(denied.detail()).contains("dbo.patients");
  }

  private static RelayException problem(Future<?> check) {
    Throwable thrown = catchThrowable(check::await);
    assertThat(thrown).isInstanceOf(RelayException.class);
    return (RelayException) thrown;
  }

  private static QueryRequest query(String sql, String... scopes) {
    return new QueryRequest("q", "p", "c", sql, new JsonArray(), null, 1_000, 1_000, 10, 1 << 20, 1,
        new JsonArray(List.of(scopes)), QueryRequest.DEFAULT_CREDIT);
  }
}
