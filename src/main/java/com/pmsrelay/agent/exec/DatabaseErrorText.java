package com.pmsrelay.agent.exec;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an integrator is told of the database's refusal of its query ({@code execution_failed}):
 * the database's own words, which say what to fix ("Invalid column name 'Foo'"), but never a value
 * read from the practice's data. A database quotes names and values alike ("Conversion failed when
 * converting the varchar value 'Mai Nguyen' to data type int"), so a quoted word is kept only where
 * the query itself wrote it; any other is replaced with {@value #WITHHELD}. The statement the
 * driver echoes, its own error numbers and Java class names are dropped, and the text is cut to
 * {@value #MAX_CHARS} characters, with the SQLSTATE after it. The detail is also kept with an async
 * query's record, where no patient data may sit unsealed.
 */
final class DatabaseErrorText {
  static final String WITHHELD = "(a value)";
  static final int MAX_CHARS = 300;
  /** H2's echo of the statement, and its "[42122-240]" error and build numbers. */
  private static final Pattern ECHO = Pattern.compile("(?s);\\s*SQL statement:.*$|\\s*\\[\\d+-\\d+]\\s*$");
  /** A Java class name heading a message ("java.lang.IllegalStateException: ", "org.h2.jdbc.X: "). */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:java|javax|jdk|sun|org|com|net|io)\\.(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");
  /** A quoted word: 'single', "double" or [bracketed], as SQL Server, H2 and others quote. */
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"|\\[([^\\]]*)]");

  private DatabaseErrorText() {}

  static String describe(SQLException e, String sql) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    message = ECHO.matcher(message).replaceAll("");
    message = CLASS_NAME.matcher(message).replaceAll("");
    message = withheldValues(message, sql == null ? "" : sql);
    message = message.replaceAll("\\s+", " ").strip();
    if (message.isEmpty()) {
      message = "the database refused the query";
    }
    if (message.length() > MAX_CHARS) {
      message = message.substring(0, MAX_CHARS - 1) + "…";
    }
    String state = e.getSQLState();
    return state == null || state.isBlank() ? message : message + " (SQLSTATE " + state + ")";
  }

  /** Quoted words the query did not write (case aside) replaced with {@link #WITHHELD}. */
  private static String withheldValues(String message, String sql) {
    String written = sql.toLowerCase(java.util.Locale.ROOT);
    Matcher m = QUOTED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String word = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      boolean fromQuery = !word.isEmpty() && written.contains(word.toLowerCase(java.util.Locale.ROOT));
      m.appendReplacement(out, Matcher.quoteReplacement(fromQuery ? m.group() : WITHHELD));
    }
    m.appendTail(out);
    return out.toString();
  }
}
