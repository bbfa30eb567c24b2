package com.pmsrelay.cloud.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin practice …}: practices and their agents' keys. */
@Command(name = "practice", description = "Practices: create, list, rotate the agent key, quarantine, resume, move to a new server.",
    subcommands = {PracticeCommands.Create.class, PracticeCommands.ListAll.class, PracticeCommands.RotateKey.class,
        PracticeCommands.Quarantine.class, PracticeCommands.Resume.class, ReleaseCommands.PracticeMove.class})
final class PracticeCommands {
  @Command(name = "create", description = "New practice; prints its id and agent key (the key once).")
  static final class Create implements OperatorCommand {
    @Parameters(paramLabel = "<name>", description = "the practice's name") String name;

    @Override
    public int run(Operations ops) {
      ops.createPractice(name);
      return 0;
    }
  }

  @Command(name = "list", description = "Every practice with its agent's status on record.")
  static final class ListAll implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      ops.listPractices();
      return 0;
    }
  }

  @Command(name = "rotate-key", description = "New agent key (printed once); the old one stops working and its agent is dropped.")
  static final class RotateKey implements OperatorCommand {
    @Parameters(paramLabel = "<practiceId>") String practiceId;

    @Override
    public int run(Operations ops) {
      ops.rotateAgentKey(practiceId);
      return 0;
    }
  }

  @Command(name = "quarantine", description = "Pauses every integration of the practice at once (and optionally rotates its agent key).")
  static final class Quarantine implements OperatorCommand {
    @Parameters(paramLabel = "<practiceId>") String practiceId;
    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why (required, recorded)") String reason;
    @Option(names = "--rotate-agent-key", description = "also rotate the agent key (the new one is printed once)")
    boolean rotateKey;

    @Override
    public int run(Operations ops) {
      ops.quarantine(practiceId, reason, rotateKey);
      return 0;
    }
  }

  @Command(name = "resume", description = "Gives one integration (or all) back its status from before the quarantine.")
  static final class Resume implements OperatorCommand {
    @Parameters(paramLabel = "<practiceId>") String practiceId;
    @Option(names = "--integrator", paramLabel = "CLIENT_ID", description = "only this integration") String clientId;

    @Override
    public int run(Operations ops) {
      ops.resume(practiceId, clientId);
      return 0;
    }
  }
}
