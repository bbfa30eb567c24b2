package com.pmsrelay.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small T-SQL lexer: words, [bracketed] and "quoted" identifiers, 'strings' (N'…' too),
 * numbers, @variables and symbols; comments (nested block comments, as T-SQL has them) are
 * dropped. It does not interpret anything: it gives the guard a reading of the text that does not
 * depend on any parser's grammar.
 *
 * <p>It is strict where T-SQL is lenient or where readers could differ: outside strings, quoted
 * names and comments only printable ASCII, space, tab and line breaks are accepted (no Unicode
 * lookalikes or invisible characters), control characters nowhere, a number may not run into a
 * word ({@code 1DELETE}), and only the symbols a SELECT needs are known ({@code :: { } $ \} are
 * not). It also enforces the bounds that keep every later step cheap, each as soon as it is
 * crossed: tokens, parenthesis depth, list length, and the length of names, numbers and strings.
 */
final class SqlLexer {
  /** Start (inclusive) and end (exclusive) offsets of a stretch of the statement. */
  record Span(int start, int end) {}

  /** The tokens, and the deepest parenthesis nesting among them. */
  record Lexed(List<SqlToken> tokens, int maxDepth) {}

  private static final String SYMBOLS = "(),.;+-*/%=<>!&|^~?";
  /** SQL Server's own limit on the length of a name. */
  static final int MAX_NAME = 128;
  /** Longer values belong in ? parameters; JSqlParser's lexer is slow on long literals. */
  static final int MAX_STRING = 8_000;
  static final int MAX_NUMBER = 100;

  private final String sql;
  private final char[] text;
  private final Bounds bounds;
  private final List<SqlToken> tokens = new ArrayList<>();
  /** Commas seen at each open parenthesis level (index 0: outside all parentheses). */
  private final int[] listLengths;
  private int depth;
  private int maxDepth;
  private int pos;

  private SqlLexer(String sql, Bounds bounds) {
    this.sql = sql;
    this.text = sql.toCharArray();
    this.bounds = bounds;
    this.listLengths = new int[bounds.maxDepth() + 2];
  }

  static Lexed lex(String sql, Bounds bounds) {
    return new SqlLexer(sql, bounds).run();
  }

  /** Tokens only, under the default bounds (for names given in configuration, and tests). */
  static List<SqlToken> tokenize(String sql) {
    return lex(sql, Bounds.DEFAULT).tokens();
  }

  private Lexed run() {
    while (pos < text.length) {
      char c = text[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        skipLineComment();
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
      } else if (c == '\'' || ((c == 'N' || c == 'n') && peek(1) == '\'')) {
        int start = pos;
        String value = quoted(c == '\'' ? pos : pos + 1, '\'', MAX_STRING, "a string literal");
        add(SqlToken.Kind.STRING, value, start);
      } else if (c == '[' || c == '"') {
        int start = pos;
        String name = quoted(pos, c == '[' ? ']' : '"', MAX_NAME, "a name");
        if (name.isEmpty()) {
          throw new GuardException("empty quoted names are not allowed");
        }
        add(SqlToken.Kind.QUOTED_IDENTIFIER, name, start);
      } else if (c == '@') {
        int start = pos++;
        while (pos < text.length && (isWordPart(text[pos]) || text[pos] == '@')) {
          pos++;
          limit(start, MAX_NAME, "a variable name");
        }
        add(SqlToken.Kind.VARIABLE, sql.substring(start, pos).toUpperCase(Locale.ROOT), start);
      } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
        number();
      } else if (isWordStart(c)) {
        int start = pos;
        while (pos < text.length && isWordPart(text[pos])) {
          pos++;
          limit(start, MAX_NAME, "a name");
        }
        add(SqlToken.Kind.WORD, sql.substring(start, pos).toUpperCase(Locale.ROOT), start);
      } else if (SYMBOLS.indexOf(c) >= 0) {
        int start = pos++;
        symbol(c, start);
      } else {
        throw new GuardException(describe(c) + " at offset " + pos + " is not allowed outside strings and quoted names");
      }
    }
    if (depth != 0) {
      throw new GuardException("unbalanced parentheses: " + depth + " left open");
    }
    return new Lexed(tokens, maxDepth);
  }

  private void symbol(char c, int start) {
    if (c == '(') {
      if (++depth > bounds.maxDepth()) {
        throw new GuardException("parentheses are nested more than " + bounds.maxDepth() + " deep");
      }
      maxDepth = Math.max(maxDepth, depth);
      listLengths[depth] = 0;
    } else if (c == ')') {
      if (--depth < 0) {
        throw new GuardException("unbalanced parentheses: ')' at offset " + start + " closes nothing");
      }
    } else if (c == ',' && ++listLengths[depth] >= bounds.maxListLength()) {
      throw new GuardException("a list holds more than " + bounds.maxListLength() + " items");
    }
    add(SqlToken.Kind.SYMBOL, String.valueOf(c), start);
  }

  /**
   * T-SQL numbers: {@code 0x…} binary, digits with an optional fraction and exponent. A letter
   * straight after a number is refused: T-SQL would read {@code 1DELETE} as two tokens.
   */
  private void number() {
    int start = pos;
    if (text[pos] == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      pos += 2;
      while (pos < text.length && isHexDigit(text[pos])) {
        pos++;
        limit(start, MAX_NUMBER, "a number");
      }
    } else {
      digits(start);
      if (pos < text.length && text[pos] == '.') {
        pos++;
        digits(start);
      }
      if (pos < text.length && (text[pos] == 'e' || text[pos] == 'E')) {
        int mark = pos++;
        if (pos < text.length && (text[pos] == '+' || text[pos] == '-')) {
          pos++;
        }
        if (pos < text.length && isDigit(text[pos])) {
          digits(start);
        } else {
          pos = mark;
        }
      }
    }
    if (pos < text.length && (isWordPart(text[pos]) || text[pos] == '@' || text[pos] == '.')) {
      throw new GuardException("a number runs straight into other text at offset " + start + "; put a space between them");
    }
    add(SqlToken.Kind.NUMBER, sql.substring(start, pos), start);
  }

  private void digits(int start) {
    while (pos < text.length && isDigit(text[pos])) {
      pos++;
      limit(start, MAX_NUMBER, "a number");
    }
  }

  private void add(SqlToken.Kind kind, String value, int start) {
    if (tokens.size() >= bounds.maxTokens()) {
      throw new GuardException("the statement has more than " + bounds.maxTokens() + " tokens");
    }
    tokens.add(new SqlToken(kind, value, start, pos));
  }

  /**
   * Reads from the opening quote at {@code start} to its close; a doubled close is an escape.
   * Returns the content, which may not be longer than {@code max}.
   */
  private String quoted(int start, char close, int max, String what) {
    int i = start + 1;
    StringBuilder value = new StringBuilder();
    while (i < text.length) {
      char c = text[i];
      refuseControl(c, i);
      if (c == close) {
        if (i + 1 < text.length && text[i + 1] == close) {
          value.append(close);
          i += 2;
        } else {
          pos = i + 1;
          return value.toString();
        }
      } else {
        value.append(c);
        i++;
      }
      if (value.length() > max) {
        throw new GuardException(what + " is longer than " + max + " characters"
            + (close == '\'' ? "; pass long values as ? parameters" : " (SQL Server's limit)"));
      }
    }
    throw new GuardException("unterminated " + (close == '\'' ? "string literal" : "quoted name"));
  }

  /**
   * To the end of the line. A character that some reader could take for a line break (and so
   * end the comment early, exposing the rest of the line) is refused.
   */
  private void skipLineComment() {
    while (pos < text.length && text[pos] != '\n' && text[pos] != '\r') {
      char c = text[pos];
      refuseControl(c, pos);
      if (c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        throw new GuardException("a comment holds U+" + String.format("%04X", (int) c)
            + " at offset " + pos + ", which some readers take for a line break");
      }
      pos++;
    }
  }

  /** T-SQL block comments nest: each open needs its own close. */
  private void skipBlockComment() {
    int nesting = 0;
    while (pos < text.length) {
      char c = text[pos];
      if (c == '/' && peek(1) == '*') {
        nesting++;
        pos += 2;
      } else if (c == '*' && peek(1) == '/') {
        pos += 2;
        if (--nesting == 0) {
          return;
        }
      } else {
        refuseControl(c, pos);
        pos++;
      }
    }
    throw new GuardException("unterminated comment");
  }

  private void limit(int start, int max, String what) {
    if (pos - start > max) {
      throw new GuardException(what + " at offset " + start + " is longer than " + max + " characters");
    }
  }

  /** Control characters have no place in a statement, even in strings and comments. */
  private static void refuseControl(char c, int at) {
    if ((c < 32 && c != '\t' && c != '\n' && c != '\r') || c == 127) {
      throw new GuardException(describe(c) + " at offset " + at + " is not allowed");
    }
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < text.length ? text[i] : '\0';
  }

  private static String describe(char c) {
    if (c < 32 || c == 127) {
      return "the control character U+" + String.format("%04X", (int) c);
    }
    if (c > 127) {
      return "the non-ASCII character U+" + String.format("%04X", (int) c);
    }
    return "the character '" + c + "'";
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isWordStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '#';
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || isDigit(c) || c == '$';
  }
}
