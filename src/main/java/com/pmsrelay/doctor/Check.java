package com.pmsrelay.doctor;

import java.io.PrintStream;

/**
 * One check's outcome, printed as {@code PASS|WARN|FAIL <name>: <plain words>} and, unless it
 * passed, an indented {@code fix:} line saying what to do.
 */
public record Check(Status status, String name, String detail, String fix) {
  /** PASS: fine. WARN: works, but should be fixed (or could not be checked). FAIL: does not work. */
  public enum Status { PASS, WARN, FAIL }

  static Check pass(String name, String detail) {
    return new Check(Status.PASS, name, detail, null);
  }

  static Check warn(String name, String detail, String fix) {
    return new Check(Status.WARN, name, detail, fix);
  }

  static Check fail(String name, String detail, String fix) {
    return new Check(Status.FAIL, name, detail, fix);
  }

  /** A check that could not run because one before it failed. */
  static Check notChecked(String name, String because) {
    return warn(name, "not checked: " + because, "fix the failure above, then run the doctor again");
  }

  boolean passed() {
    return status == Status.PASS;
  }

  void print(PrintStream out) {
    out.println(status + " " + name + ": " + oneLine(detail));
    if (status != Status.PASS && fix != null) {
      out.println("     fix: " + oneLine(fix));
    }
  }

  /** Messages from drivers and the JDK may span lines; a check is one line. */
  static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
