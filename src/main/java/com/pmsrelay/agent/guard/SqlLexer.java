package com.pmsrelay.agent.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small T-SQL lexer: words, [bracketed] and "quoted" identifiers, 'strings' (N'…' too),
 * numbers, @variables and symbols; comments (nested block comments, as T-SQL has them) are
 * dropped. It does not interpret anything: it gives the guard a reading of the text that does not
 * depend on any parser's grammar. Unterminated strings, identifiers or comments are errors.
 */
final class SqlLexer {
  private final String sql;
  private int pos;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  static List<SqlToken> tokenize(String sql) {
    return new SqlLexer(sql).run();
  }

  private List<SqlToken> run() {
    List<SqlToken> tokens = new ArrayList<>();
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        skipLineComment();
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
      } else if (c == '\'' || ((c == 'N' || c == 'n') && peek(1) == '\'')) {
        int start = pos;
        String text = quoted(c == '\'' ? pos : pos + 1, '\'', '\'');
        tokens.add(new SqlToken(SqlToken.Kind.STRING, text, start, pos));
      } else if (c == '[' || c == '"') {
        int start = pos;
        String text = quoted(pos, c, c == '[' ? ']' : '"');
        tokens.add(new SqlToken(SqlToken.Kind.QUOTED_IDENTIFIER, text, start, pos));
      } else if (c == '@') {
        int start = pos++;
        while (pos < sql.length() && isWordPart(sql.charAt(pos))) {
          pos++;
        }
        tokens.add(new SqlToken(SqlToken.Kind.VARIABLE, sql.substring(start, pos).toUpperCase(Locale.ROOT), start, pos));
      } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
        int start = pos;
        while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
          pos++;
        }
        tokens.add(new SqlToken(SqlToken.Kind.NUMBER, sql.substring(start, pos), start, pos));
      } else if (isWordStart(c)) {
        int start = pos;
        while (pos < sql.length() && isWordPart(sql.charAt(pos))) {
          pos++;
        }
        tokens.add(new SqlToken(SqlToken.Kind.WORD, sql.substring(start, pos).toUpperCase(Locale.ROOT), start, pos));
      } else {
        tokens.add(new SqlToken(SqlToken.Kind.SYMBOL, String.valueOf(c), pos, pos + 1));
        pos++;
      }
    }
    return tokens;
  }

  /** Reads from the opening quote at {@code start} to its close; a doubled close is an escape. */
  private String quoted(int start, char open, char close) {
    int i = start + 1;
    StringBuilder text = new StringBuilder();
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == close) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == close) {
          text.append(close);
          i += 2;
          continue;
        }
        pos = i + 1;
        return text.toString();
      }
      text.append(c);
      i++;
    }
    throw new GuardException("unterminated " + (open == '\'' ? "string literal" : "quoted identifier"));
  }

  private void skipLineComment() {
    while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
      pos++;
    }
  }

  private void skipBlockComment() {
    int depth = 0;
    while (pos < sql.length()) {
      if (sql.charAt(pos) == '/' && peek(1) == '*') {
        depth++;
        pos += 2;
      } else if (sql.charAt(pos) == '*' && peek(1) == '/') {
        depth--;
        pos += 2;
        if (depth == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
    throw new GuardException("unterminated comment");
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_' || c == '#';
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '#' || c == '$' || c == '@';
  }
}
