package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.guard.TableScopes;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * What {@code admin grant} sets besides the status: each null leaves the grant's value (a new
 * grant's default) as it is. {@code scopes} empty: no restriction. The cloud-wide caps
 * ({@code queries.*} in cloud.json) still apply over these; a request may only lower both.
 */
record GrantLimits(List<String> scopes, Integer maxRows, Integer maxTimeoutMs, Integer maxQueueTimeoutMs,
    Integer ratePerMinute, Integer weight) {
  static final int MAX_ROWS = 10_000_000;
  static final int MAX_TIMEOUT_MS = 3_600_000;
  static final int MAX_RATE_PER_MINUTE = 1_000_000;
  static final int MAX_WEIGHT = 100;

  static final GrantLimits NONE = new GrantLimits(null, null, null, null, null, null);

  GrantLimits {
    if (scopes != null) {
      for (String scope : scopes) {
        if (!TableScopes.isName(scope)) {
          throw new IllegalArgumentException("--scopes: '" + scope + "' is not a table or view name such as Patients or "
              + "dbo.Patients (separate several with commas; '*' for every table)");
        }
      }
    }
    check("--max-rows", maxRows, 1, MAX_ROWS);
    check("--max-timeout-ms", maxTimeoutMs, 100, MAX_TIMEOUT_MS);
    check("--max-queue-timeout-ms", maxQueueTimeoutMs, 100, MAX_TIMEOUT_MS);
    check("--rate", ratePerMinute, 1, MAX_RATE_PER_MINUTE);
    check("--weight", weight, 1, MAX_WEIGHT);
  }

  private static void check(String option, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new IllegalArgumentException(option + " must be a whole number from " + min + " to " + max);
    }
  }

  Grant applyTo(Grant g) {
    return new Grant(g.practiceId(), g.clientId(), g.status(), scopes == null ? g.scopes() : new JsonArray(List.copyOf(scopes)),
        or(maxRows, g.maxRows()), or(maxTimeoutMs, g.maxTimeoutMs()), or(maxQueueTimeoutMs, g.maxQueueTimeoutMs()),
        or(ratePerMinute, g.ratePerMinute()), or(weight, g.weight()));
  }

  private static int or(Integer given, int current) {
    return given == null ? current : given;
  }
}
