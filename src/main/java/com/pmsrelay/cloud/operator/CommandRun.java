package com.pmsrelay.cloud.operator;

import com.pmsrelay.common.error.RelayException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs one parsed operator command, wherever it runs (the command line, a cloud node's operator
 * API): its exit status, and every failure as one plain line on {@code err}, never a stack trace:
 * bad input (an unknown practice, a value out of range) exit 2, anything else exit 1.
 */
public final class CommandRun {
  private CommandRun() {}

  /** The most specific command the arguments named: a leaf to run, or a group (whose usage picocli prints). */
  public static Object leaf(CommandLine.ParseResult parsed) {
    List<CommandLine> chain = parsed.asCommandLineList();
    return chain.get(chain.size() - 1).getCommand();
  }

  /** Runs a store command on {@code ops}, then signs the audit chains it appended to. */
  public static int run(OperatorCommand command, Operations ops, PrintStream err) {
    try {
      int status = command.run(ops);
      ops.signAppended(err);
      return status;
    } catch (IllegalArgumentException e) {
      err.println("pms-relay admin: " + e.getMessage());
      return 2;
    } catch (RelayException e) {
      err.println("pms-relay admin: " + e.detail());
      return 2;
    } catch (RuntimeException e) {
      err.println("pms-relay admin: failed: " + oneLine(e));
      return 1;
    }
  }

  /** Runs a command on the cloud's files. */
  public static int runLocal(LocalCommand command, LocalCommand.CloudFiles files, PrintStream out, PrintStream err) {
    try {
      return command.run(files, out);
    } catch (IllegalArgumentException e) {
      err.println("pms-relay admin: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("pms-relay admin: failed: " + oneLine(e));
      return 1;
    }
  }

  /** An exception as one line: the innermost message that says something, without its stack. */
  public static String oneLine(Throwable e) {
    Throwable said = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        said = t;
      }
    }
    String message = said.getMessage() == null ? said.getClass().getSimpleName() : said.getMessage();
    return message.lines().findFirst().orElse("").strip();
  }
}
