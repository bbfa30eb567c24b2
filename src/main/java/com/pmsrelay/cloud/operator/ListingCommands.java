package com.pmsrelay.cloud.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator's read-only views: agents, the audit log's check, alerts, webhook deliveries. */
final class ListingCommands {
  private ListingCommands() {}

  @Command(name = "agents", description = "Every practice's agent: status, version, PMS version, last seen.")
  static final class Agents implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      ops.listAgents();
      return 0;
    }
  }

  @Command(name = "audit-verify", description = "Checks the audit log's hash chains and their signed heads; exit 1 if broken.")
  static final class AuditVerify implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      return ops.verifyAudit();
    }
  }

  @Command(name = "alerts", description = "The monitor's alerts of suspicious activity, newest first.")
  static final class Alerts implements OperatorCommand {
    @Option(names = "--practice", paramLabel = "ID", description = "one practice's only") String practiceId;
    @Option(names = "--unacknowledged", description = "only those nobody acknowledged") boolean unacknowledged;

    @Override
    public int run(Operations ops) {
      ops.listAlerts(practiceId, unacknowledged);
      return 0;
    }
  }

  @Command(name = "webhooks", description = "The integrator's webhook (never its secret) and its recent deliveries.")
  static final class Webhooks implements OperatorCommand {
    @Parameters(paramLabel = "<clientId>") String clientId;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "deliveries listed, 1 to 500 (default: 50)")
    int limit;

    @Override
    public int run(Operations ops) {
      if (limit < 1 || limit > 500) {
        throw new IllegalArgumentException("--limit must be a whole number from 1 to 500");
      }
      ops.listWebhookDeliveries(clientId, limit);
      return 0;
    }
  }
}
