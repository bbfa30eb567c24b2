package com.pmsrelay.cloud.operator;

/**
 * An operator command that reads or changes the control store: run by a cloud node for its
 * operator API, or by the {@code admin} command line on the store it opened when no cloud answers.
 */
public interface OperatorCommand {
  /** Runs with the parsed arguments; returns the exit status. Bad input: IllegalArgumentException with one line. */
  int run(Operations ops);
}
