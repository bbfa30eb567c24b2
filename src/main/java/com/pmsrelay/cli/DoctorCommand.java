package com.pmsrelay.cli;

import com.pmsrelay.doctor.Doctor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pms-relay doctor [agent|cloud] --config FILE}: checks a node's set-up, each failure with its fix. */
@Command(name = "doctor", description = {"Checks an agent's (or a cloud's) set-up and explains each failure with its fix.",
    "Exit 0 only when every check passes."})
final class DoctorCommand implements Callable<Integer> {
  enum Role { agent, cloud }

  @ParentCommand PmsRelayCommand top;
  @Parameters(arity = "0..1", paramLabel = "<role>", defaultValue = "agent", description = "agent or cloud (default: agent)")
  Role role;
  @Option(names = "--config", paramLabel = "FILE", description = "the node's config file") Path configFile;

  @Override
  public Integer call() {
    return Doctor.run(role.name(), configFile, top.out, top.err);
  }
}
