package com.pmsrelay.cli;

import com.pmsrelay.admin.AdminCommands;
import com.pmsrelay.cloud.operator.OperatorCommands;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Parses the jar's arguments with picocli and runs the command. Help and version print and exit
 * 0 before anything is opened or created; an unknown option or a missing parameter prints the error
 * and that command's usage on stderr and exits 2. Admin commands go to {@link AdminCommands}.
 */
public final class Cli {
  static final String SYNOPSIS = "java -jar pms-relay.jar <command> [options]";

  private Cli() {}

  /** The whole command tree, printing to {@code out} and {@code err}. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine top = new CommandLine(new PmsRelayCommand(out, err));
    // The top's synopsis only (set after the tree is built: an annotation's would be inherited by every command).
    top.getCommandSpec().usageMessage().customSynopsis(SYNOPSIS);
    top.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .setParameterExceptionHandler(new com.pmsrelay.common.UsageErrors());
    return top;
  }

  /** Runs the command; returns its exit status (0 for a mode once it runs: the JVM stays up). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine top = commandLine(out, err);
    top.setExecutionStrategy(parsed -> {
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return help;
      }
      CommandLine.ParseResult sub = parsed.subcommand();
      if (sub != null && sub.commandSpec().userObject() instanceof OperatorCommands) {
        List<String> words = Arrays.asList(args);
        return AdminCommands.dispatch(sub, words.subList(words.indexOf(sub.commandSpec().name()) + 1, words.size()), out, err);
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    int status = top.execute(args);
    top.getOut().flush();
    top.getErr().flush();
    return status;
  }
}
