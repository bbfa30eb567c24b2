package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The steps every integrator call on one practice's data shares (queries, schema, registered
 * queries): authorising the caller at the practice, and checking a statement before anything travels.
 */
final class PracticeCall {
  private PracticeCall() {}

  /**
   * The caller's grant at {@code practiceId} (null: a malformed id) if it lets the caller in now;
   * otherwise the problem, a practice that never granted it indistinguishable from none.
   * {@code granted} is told the practice when a grant exists at all (the audit chain to record in).
   */
  static Future<Grant> authorise(GrantStore grants, String practiceId, String clientId, Consumer<String> granted) {
    if (practiceId == null) {
      return Future.failedFuture(new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice"));
    }
    return grants.find(practiceId, clientId).map(found -> {
      found.ifPresent(g -> granted.accept(practiceId));
      return allowed(found.orElse(null));
    });
  }

  /** The grant if it lets the integrator query now; otherwise the problem, without existence leaks. */
  static Grant allowed(Grant grant) {
    if (grant == null) {
      throw new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice");
    }
    return switch (grant.status()) {
      case ENABLED -> grant;
      case DISABLED -> throw new RelayException(ErrorCode.INTEGRATION_DISABLED, "the practice has disabled this integration");
      case BLOCKED -> throw new RelayException(ErrorCode.INTEGRATION_BLOCKED, "the practice has blocked this integration");
      case PENDING -> throw new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice");
    };
  }

  /**
   * The SQL guard's verdict on the query (its SQL, the grant's scopes) and one parameter per
   * {@code ?}: the agent checks again, but a bad statement is refused here before anything travels.
   */
  static Future<QueryRequest> checkStatement(Vertx vertx, SqlGuard guard, QueryRequest query) {
    return guard.check(vertx, query).map(checked -> placeholdersMatch(checked, query));
  }

  /** One parameter per {@code ?}, or a 400 before anything travels (the database would say it less clearly). */
  private static QueryRequest placeholdersMatch(SqlGuard.Checked checked, QueryRequest query) {
    int given = query.params().size();
    if (checked.placeholders() != given) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "the statement has " + checked.placeholders()
          + (checked.placeholders() == 1 ? " ? placeholder" : " ? placeholders") + " but 'params' has " + given
          + (given == 1 ? " value" : " values") + ": give one value per ? (a ? inside a string or a comment is not one)");
    }
    return query;
  }
}
