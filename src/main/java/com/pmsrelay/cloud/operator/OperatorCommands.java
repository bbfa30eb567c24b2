package com.pmsrelay.cloud.operator;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code admin}: the operator's commands, a picocli tree parsed alike by the command line and by a
 * cloud node's operator API (one parser, one implementation: {@link Operations}). A new command is
 * a class here and one line in {@code subcommands}.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = com.pmsrelay.common.VersionText.class, sortOptions = false,
    description = {
        "Operator commands against the cloud's control store, with the cloud's --config.",
        "While the cloud runs they go to its operator API (its management listener, with the operator token file in "
            + "its data dir); when none answers, they open the store directly. Every change is audited as the "
            + "operator's action."},
    subcommands = {
        PracticeCommands.class,
        IntegratorCommands.class,
        GrantCommand.class,
        PairingCommands.class,
        JwtCommands.class,
        ListingCommands.Agents.class,
        ListingCommands.AuditVerify.class,
        ListingCommands.Alerts.class,
        ListingCommands.Webhooks.class,
        BridgeCommands.class,
        ReleaseCommands.class,
        ReleaseCommands.VersionPolicy.class,
        LogLevelCommand.class,
    })
public final class OperatorCommands implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "the cloud's config file (defaults: conf/cloud.json; PMSRELAY_* environment variables override both)")
  public Path configFile;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "say whether the command went to a running cloud or to the store")
  public boolean verbose;

  @Option(names = "--direct", scope = ScopeType.INHERIT,
      description = "open the store directly even if a cloud answers (embedded H2 is locked while the cloud runs)")
  public boolean direct;

  /** Without a command: the usage, as for any group. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The admin tree on its own (the cloud's operator API, the admin entry point of tests), named as users type it. */
  public static CommandLine commandLine() {
    return new CommandLine(new OperatorCommands()).setCommandName("pms-relay admin")
        .setParameterExceptionHandler(new com.pmsrelay.common.UsageErrors());
  }
}
