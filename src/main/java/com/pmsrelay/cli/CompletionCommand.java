package com.pmsrelay.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pms-relay completion}: a bash completion script for every command and option, made from the tree itself. */
@Command(name = "completion", description = {"Prints a bash completion script for pms-relay's commands and options:",
    "  source <(java -jar pms-relay.jar completion)",
    "It completes the command 'pms-relay' (alias pms-relay='java -jar /opt/pms-relay/pms-relay.jar'); "
        + "docs/completion.md installs it for good."})
final class CompletionCommand implements Callable<Integer> {
  @ParentCommand PmsRelayCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    top.out.print(AutoComplete.bash("pms-relay", spec.root().commandLine()));
    top.out.flush();
    return 0;
  }
}
