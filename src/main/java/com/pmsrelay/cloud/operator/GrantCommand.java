package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.store.Grant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin grant}: a practice's consent for one integrator, with its scopes and limits. A new
 * grant starts from {@link Grant#withDefaults}; an existing one keeps whatever is not given.
 */
@Command(name = "grant", sortOptions = false,
    description = {"Sets the grant of <clientId> at <practiceId>: its status and, optionally, scopes and limits.",
        "pending: listed in the practice's console, invisible to the integrator; enabled: it may query; "
            + "disabled, blocked: refused (403).",
        "A new grant gets the defaults below; on an existing grant only the options given change. The cloud-wide "
            + "caps (queries.* in cloud.json) still apply; a request may only lower them."})
final class GrantCommand implements OperatorCommand {
  @Parameters(index = "0", paramLabel = "<practiceId>") String practiceId;
  @Parameters(index = "1", paramLabel = "<clientId>") String clientId;
  @Parameters(index = "2", paramLabel = "<status>", description = "pending, enabled, disabled or blocked") String status;

  @Option(names = "--scopes", paramLabel = "TABLES", split = ",",
      description = "the tables and views it may read, comma separated (Patients, dbo.Appointments); '*': every table."
          + " Default: every table (no restriction)")
  List<String> scopes;

  @Option(names = "--max-rows", paramLabel = "N",
      description = "most rows one query returns (1 to " + GrantLimits.MAX_ROWS + "). Default: " + Grant.DEFAULT_MAX_ROWS)
  Integer maxRows;

  @Option(names = "--max-timeout-ms", paramLabel = "MS",
      description = "longest a query runs at the agent. Default: " + Grant.DEFAULT_MAX_TIMEOUT_MS)
  Integer maxTimeoutMs;

  @Option(names = "--max-queue-timeout-ms", paramLabel = "MS",
      description = "longest a query waits for its turn at the agent. Default: " + Grant.DEFAULT_MAX_QUEUE_TIMEOUT_MS)
  Integer maxQueueTimeoutMs;

  @Option(names = "--rate", paramLabel = "PER_MINUTE",
      description = "queries a minute to this practice (more: 429 rate_limited). Default: " + Grant.DEFAULT_RATE_PER_MINUTE)
  Integer ratePerMinute;

  @Option(names = "--weight", paramLabel = "N",
      description = "its share of the agent's queue against other integrators (1 to " + GrantLimits.MAX_WEIGHT
          + "). Default: " + Grant.DEFAULT_WEIGHT)
  Integer weight;

  @Override
  public int run(Operations ops) {
    List<String> tables = scopes == null ? null : scopes.equals(List.of("*")) ? List.of() : scopes;
    ops.grant(practiceId, clientId, status,
        new GrantLimits(tables, maxRows, maxTimeoutMs, maxQueueTimeoutMs, ratePerMinute, weight));
    return 0;
  }
}
