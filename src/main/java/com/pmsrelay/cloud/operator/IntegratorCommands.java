package com.pmsrelay.cloud.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin integrator …}: integrators and their client secrets. */
@Command(name = "integrator", description = "Integrators: create, list, block, unblock, rotate the client secret.",
    subcommands = {IntegratorCommands.Create.class, IntegratorCommands.ListAll.class, IntegratorCommands.Block.class,
        IntegratorCommands.Unblock.class, IntegratorCommands.RotateSecret.class})
final class IntegratorCommands {
  @Command(name = "create", description = {"New integrator; prints its client id and secret (the secret once).",
      "Its webhook is its own to set, with PUT /v1/webhook."})
  static final class Create implements OperatorCommand {
    @Parameters(paramLabel = "<name>") String name;

    @Override
    public int run(Operations ops) {
      ops.createIntegrator(name);
      return 0;
    }
  }

  @Command(name = "list", description = "Every integrator, active or BLOCKED.")
  static final class ListAll implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      ops.listIntegrators();
      return 0;
    }
  }

  @Command(name = "block", description = "Blocked everywhere: its tokens stop working at once.")
  static final class Block implements OperatorCommand {
    @Parameters(paramLabel = "<clientId>") String clientId;

    @Override
    public int run(Operations ops) {
      ops.block(clientId, true);
      return 0;
    }
  }

  @Command(name = "unblock", description = "Lifts a block.")
  static final class Unblock implements OperatorCommand {
    @Parameters(paramLabel = "<clientId>") String clientId;

    @Override
    public int run(Operations ops) {
      ops.block(clientId, false);
      return 0;
    }
  }

  @Command(name = "rotate-secret", description = "New client secret (printed once); the old one stops working.")
  static final class RotateSecret implements OperatorCommand {
    @Parameters(paramLabel = "<clientId>") String clientId;

    @Override
    public int run(Operations ops) {
      ops.rotateSecret(clientId);
      return 0;
    }
  }
}
