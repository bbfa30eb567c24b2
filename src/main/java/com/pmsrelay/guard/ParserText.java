package com.pmsrelay.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The text JSqlParser reads: the statement's tokens as written, in order, one space wherever the
 * original had whitespace or comments between two tokens (and none where it had none), less the
 * spans the lexical reading checked and blanked. So the parser sees T-SQL's tokens, not its own
 * reading of the comments, and a megabyte of comments or blanks costs it nothing.
 *
 * <p>Two T-SQL forms JSqlParser 5.3 cannot read are given to it in forms it can, with nothing
 * left unread:
 * <ul>
 *   <li>a binary literal {@code 0x1F} is written {@code X'1F'} (the same literal, its other syntax);</li>
 *   <li>a {@code BETWEEN} bound that calls a function ({@code BETWEEN CAST(GETDATE() AS date) AND
 *       DATEADD(day, 14, …)}, JSqlParser issues #2288, #2349) is written {@code 0} in the
 *       statement, and the bounds so taken out are read as the select list of a second statement,
 *       {@link #bounds()}, which the guard parses and walks too. Only bounds made of operands
 *       (literals, names, function calls, parentheses, CASE … END) joined by arithmetic operators,
 *       with no subquery, and followed by what may follow a bound, are taken out; anything else is
 *       left for JSqlParser as it is.</li>
 * </ul>
 */
final class ParserText {
  private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%", "&", "|", "^");
  private static final Set<String> UNARY = Set.of("+", "-", "~");
  /** What may follow a second bound: the condition's end. */
  private static final Set<String> AFTER_BOUND = Set.of("AND", "OR", "THEN", "WHEN", "ELSE", "END", "ORDER", "GROUP",
      "HAVING", "UNION", "EXCEPT", "INTERSECT", ")", ",", ";");
  /** Words that cannot start or be an operand of a bound taken out. */
  private static final Set<String> NOT_OPERANDS = Set.of("SELECT", "AND", "OR", "NOT", "BETWEEN", "IS", "IN", "LIKE",
      "EXISTS", "OVER", "WITHIN", "THEN", "WHEN", "ELSE", "END", "FROM", "WHERE", "AS", "ON", "COLLATE", "ESCAPE");

  /** A bound holding one of these stays where it is: JSqlParser reads it there or refuses. */
  private static final Set<String> LEFT_IN_PLACE = Set.of("SELECT", "FROM", "OVER", "WITHIN", "BETWEEN", "EXISTS");

  private final String main;
  private final String bounds;

  private ParserText(String main, String bounds) {
    this.main = main;
    this.bounds = bounds;
  }

  /** The statement for JSqlParser. */
  String main() {
    return main;
  }

  /** {@code SELECT bound, bound, …} for the BETWEEN bounds taken out of {@link #main()}, or null. */
  String bounds() {
    return bounds;
  }

  static ParserText of(String sql, List<SqlToken> tokens, List<SqlLexer.Span> blanks) {
    boolean[] hidden = hidden(tokens, blanks);
    // token index -> end (exclusive) of a bound taken out there
    int[] boundEnd = new int[tokens.size()];
    List<int[]> taken = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (hidden[i] || t.kind() != SqlToken.Kind.WORD || !"BETWEEN".equals(t.text())) {
        continue;
      }
      int firstEnd = operandsEnd(tokens, hidden, i + 1);
      if (firstEnd < 0 || firstEnd >= tokens.size() || !isWord(tokens.get(firstEnd), "AND")) {
        continue;
      }
      int secondEnd = operandsEnd(tokens, hidden, firstEnd + 1);
      if (secondEnd < 0 || (secondEnd < tokens.size() && !AFTER_BOUND.contains(tokens.get(secondEnd).text()))) {
        continue;
      }
      for (int[] bound : new int[][] {{i + 1, firstEnd}, {firstEnd + 1, secondEnd}}) {
        if (callsAFunction(tokens, bound[0], bound[1])) {
          boundEnd[bound[0]] = bound[1];
          taken.add(bound);
        }
      }
      i = secondEnd - 1;
    }
    String main = render(sql, tokens, hidden, boundEnd, 0, tokens.size());
    if (taken.isEmpty()) {
      return new ParserText(main, null);
    }
    StringBuilder select = new StringBuilder("SELECT ");
    for (int b = 0; b < taken.size(); b++) {
      select.append(b == 0 ? "" : ", ").append(render(sql, tokens, hidden, new int[tokens.size()], taken.get(b)[0], taken.get(b)[1]));
    }
    return new ParserText(main, select.toString());
  }

  private static String render(String sql, List<SqlToken> tokens, boolean[] hidden, int[] boundEnd, int from, int to) {
    StringBuilder text = new StringBuilder(Math.min(sql.length(), 16 * 1024));
    int previousEnd = -1;
    for (int i = from; i < to; i++) {
      if (hidden[i]) {
        continue;
      }
      SqlToken t = tokens.get(i);
      if (previousEnd >= 0 && t.start() > previousEnd) {
        text.append(' ');
      }
      if (boundEnd[i] > i) {
        text.append('0');
        previousEnd = tokens.get(boundEnd[i] - 1).end();
        i = boundEnd[i] - 1;
        continue;
      }
      if (t.kind() == SqlToken.Kind.NUMBER && t.text().length() >= 2 && (t.text().charAt(1) == 'x' || t.text().charAt(1) == 'X')) {
        text.append("X'").append(t.text(), 2, t.text().length()).append('\'');
      } else {
        text.append(sql, t.start(), t.end());
      }
      previousEnd = t.end();
    }
    return text.toString();
  }

  private static boolean[] hidden(List<SqlToken> tokens, List<SqlLexer.Span> blanks) {
    boolean[] hidden = new boolean[tokens.size()];
    int blank = 0;
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      while (blank < blanks.size() && blanks.get(blank).end() <= t.start()) {
        blank++;
      }
      hidden[i] = blank < blanks.size() && blanks.get(blank).start() <= t.start();
    }
    return hidden;
  }

  /**
   * The index after the bound starting at {@code i}: operands joined by arithmetic operators; -1
   * when what is there is not such a bound.
   */
  private static int operandsEnd(List<SqlToken> tokens, boolean[] hidden, int i) {
    int n = tokens.size();
    while (true) {
      while (i < n && tokens.get(i).kind() == SqlToken.Kind.SYMBOL && UNARY.contains(tokens.get(i).text())) {
        i++;
      }
      if (i >= n || hidden[i]) {
        return -1;
      }
      SqlToken t = tokens.get(i);
      switch (t.kind()) {
        case NUMBER, STRING -> i++;
        case SYMBOL -> {
          if ("?".equals(t.text())) {
            i++;
          } else if ("(".equals(t.text())) {
            i = closing(tokens, i);
          } else {
            return -1;
          }
        }
        case WORD, QUOTED_IDENTIFIER -> {
          if (t.kind() == SqlToken.Kind.WORD && "CASE".equals(t.text())) {
            i = caseEnd(tokens, i);
          } else if (t.kind() == SqlToken.Kind.WORD && NOT_OPERANDS.contains(t.text())) {
            return -1;
          } else {
            i++;
            while (i + 1 < n && isSymbol(tokens.get(i), ".") && tokens.get(i + 1).kind() != SqlToken.Kind.SYMBOL) {
              i += 2;
            }
            if (i < n && isSymbol(tokens.get(i), "(")) {
              i = closing(tokens, i);
            }
          }
        }
        default -> {
          return -1;
        }
      }
      if (i < 0) {
        return -1;
      }
      if (i < n && tokens.get(i).kind() == SqlToken.Kind.SYMBOL && ARITHMETIC.contains(tokens.get(i).text())) {
        i++;
      } else {
        return i;
      }
    }
  }

  /** The index after the ')' closing the '(' at {@code open}, or -1. */
  private static int closing(List<SqlToken> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      if (isSymbol(tokens.get(i), "(")) {
        depth++;
      } else if (isSymbol(tokens.get(i), ")") && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The index after the END of the CASE at {@code start}, or -1. */
  private static int caseEnd(List<SqlToken> tokens, int start) {
    int depth = 0;
    for (int i = start; i < tokens.size(); i++) {
      if (isWord(tokens.get(i), "CASE")) {
        depth++;
      } else if (isWord(tokens.get(i), "END") && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** A bound worth taking out: it calls a function and holds no subquery, window or ordered aggregate. */
  private static boolean callsAFunction(List<SqlToken> tokens, int from, int to) {
    boolean call = false;
    for (int i = from; i < to; i++) {
      SqlToken t = tokens.get(i);
      if (t.kind() == SqlToken.Kind.WORD && LEFT_IN_PLACE.contains(t.text())) {
        return false; // SELECT, OVER, WITHIN, BETWEEN, EXISTS, FROM …: leave it to JSqlParser
      }
      if (i + 1 < to && (t.kind() == SqlToken.Kind.WORD || t.kind() == SqlToken.Kind.QUOTED_IDENTIFIER)
          && isSymbol(tokens.get(i + 1), "(")) {
        call = true;
      }
    }
    return call;
  }

  private static boolean isWord(SqlToken t, String word) {
    return t.kind() == SqlToken.Kind.WORD && word.equals(t.text());
  }

  private static boolean isSymbol(SqlToken t, String symbol) {
    return t.kind() == SqlToken.Kind.SYMBOL && symbol.equals(t.text());
  }
}
