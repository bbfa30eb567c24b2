package com.pmsrelay.agent.pms.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * T-SQL text functions H2 lacks, as SQL Server computes them for the ordinary cases; registered in
 * the demo PMS by {@link DemoFunctions}. NULL in gives NULL out, as in T-SQL.
 */
public final class DemoTextFunctions {
  private DemoTextFunctions() {
  }

  /** REPLICATE('ab', 3) = 'ababab'; a negative count gives NULL. */
  public static String replicate(String text, Integer times) {
    return text == null || times == null || times < 0 ? null : text.repeat(times);
  }

  public static String reverse(String text) {
    return text == null ? null : new StringBuilder(text).reverse().toString();
  }

  /** STUFF('abcdef', 2, 3, 'XY') = 'aXYef'; a start outside the text or a negative length gives NULL. */
  public static String stuff(String text, Integer start, Integer length, String insert) {
    if (text == null || start == null || length == null || start < 1 || start > text.length() || length < 0) {
      return null;
    }
    int end = Math.min(text.length(), start - 1 + length);
    return text.substring(0, start - 1) + (insert == null ? "" : insert) + text.substring(end);
  }

  public static String str(Double number) {
    return str(number, 10, 0);
  }

  public static String str(Double number, Integer length) {
    return str(number, length, 0);
  }

  /** STR(123.456, 8, 2) = '  123.46': right-aligned in {@code length}; '*'s when it does not fit. */
  public static String str(Double number, Integer length, Integer decimals) {
    if (number == null || length == null || decimals == null || length < 1 || length > 8000 || decimals < 0) {
      return null;
    }
    String digits = BigDecimal.valueOf(number).setScale(Math.min(decimals, 16), RoundingMode.HALF_UP).toPlainString();
    if (digits.length() > length) {
      // SQL Server first drops decimals to make it fit, then gives up
      String whole = BigDecimal.valueOf(number).setScale(0, RoundingMode.HALF_UP).toPlainString();
      if (whole.length() > length) {
        return "*".repeat(length);
      }
      int room = length - whole.length() - 1;
      digits = room > 0 ? BigDecimal.valueOf(number).setScale(room, RoundingMode.HALF_UP).toPlainString() : whole;
    }
    return " ".repeat(length - digits.length()) + digits;
  }

  public static String quotename(String name) {
    return quotename(name, "[");
  }

  /** QUOTENAME('a]b') = '[a]]b]'; longer than 128 characters, or an unknown quote, gives NULL. */
  public static String quotename(String name, String quote) {
    if (name == null || quote == null || name.length() > 128) {
      return null;
    }
    return switch (quote) {
      case "[", "]" -> "[" + name.replace("]", "]]") + "]";
      case "'" -> "'" + name.replace("'", "''") + "'";
      case "\"" -> "\"" + name.replace("\"", "\"\"") + "\"";
      case "(", ")" -> "(" + name + ")";
      case "<", ">" -> "<" + name + ">";
      case "{", "}" -> "{" + name + "}";
      case "`" -> "`" + name.replace("`", "``") + "`";
      default -> null;
    };
  }

  /**
   * PATINDEX('%[0-9]%', 'ab12') = 3: where a LIKE pattern (%, _, [a-z], [^a-z]) first matches, 0 when
   * it does not; case-insensitive like the demo's collation.
   */
  public static Long patindex(String pattern, String text) {
    if (pattern == null || text == null) {
      return null;
    }
    boolean anyStart = pattern.startsWith("%");
    String body = anyStart ? pattern.substring(1) : pattern;
    boolean anyEnd = body.endsWith("%");
    Pattern regex = Pattern.compile(likeToRegex(anyEnd ? body.substring(0, body.length() - 1) : body)
        + (anyEnd ? "" : "$"), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    for (int at = 0; at <= (anyStart ? text.length() : 0); at++) {
      if (regex.matcher(text).region(at, text.length()).lookingAt()) {
        return (long) at + 1;
      }
    }
    return 0L;
  }

  private static String likeToRegex(String like) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      int close = c == '[' ? like.indexOf(']', i + 1) : -1;
      if (c == '%') {
        out.append(".*?");
      } else if (c == '_') {
        out.append('.');
      } else if (close > i + 1) {
        String set = like.substring(i + 1, close);
        boolean negated = set.startsWith("^");
        String members = (negated ? set.substring(1) : set)
            .replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
        out.append(negated ? "[^" : "[").append(members).append(']');
        i = close;
      } else {
        out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }
}
