package com.pmsrelay.common;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Bad arguments, on every command: the error, picocli's suggestion if it has one, and always that
 * command's usage, on stderr; exit status 2. (picocli's own handler leaves the usage out when it
 * has a suggestion.)
 */
public final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  public static final int EXIT = 2;

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    command.usage(err);
    err.flush();
    return EXIT;
  }
}
