package com.pmsrelay.cli;

import com.pmsrelay.cloud.operator.OperatorCommands;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code pms-relay}: the jar's one command line. A mode or tool is a subcommand; every command
 * below has {@code -h/--help} and {@code -V/--version} (inherited from here).
 */
@Command(name = "pms-relay", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = com.pmsrelay.common.VersionText.class, sortOptions = false,
    description = {"One jar, every role: the relay cloud, the practice agent, the demo, the operator's commands.",
        "Configuration: documented defaults in conf/<mode>.json; --config FILE overrides them; environment "
            + "variables PMSRELAY_<KEY> override both (e.g. PMSRELAY_HTTP_PORT=8443).",
        "Bash completion: source <(java -jar pms-relay.jar completion)."},
    subcommands = {
        CloudCommand.class,
        AgentCommand.class,
        DemoCommand.class,
        OperatorCommands.class,
        DoctorCommand.class,
        CompletionCommand.class,
    })
final class PmsRelayCommand {
  /** Where the commands print (the process's streams, or a test's). */
  final PrintStream out;
  final PrintStream err;

  PmsRelayCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }
}
