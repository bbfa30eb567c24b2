package com.pmsrelay.cloud.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin pairing …}: one-time pairing codes. */
@Command(name = "pairing", description = "One-time pairing codes.", subcommands = PairingCommands.Create.class)
final class PairingCommands {
  @Command(name = "create", description = "A one-time pairing code for the integrator at the practice (15 minutes).")
  static final class Create implements OperatorCommand {
    @Parameters(index = "0", paramLabel = "<practiceId>") String practiceId;
    @Parameters(index = "1", paramLabel = "<clientId>") String clientId;

    @Override
    public int run(Operations ops) {
      ops.createPairing(practiceId, clientId);
      return 0;
    }
  }
}
