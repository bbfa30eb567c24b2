package com.pmsrelay.agent.pms.demo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * T-SQL's FORMAT(value, format[, culture]) for numbers, dates and times with .NET format strings,
 * which H2 lacks; registered in the demo PMS by {@link DemoFunctions}. H2 hands the value over as
 * text, so the value's kind is read back from it: a number, a date, a date and time (with an
 * offset or not) or a time. The standard formats (N2, C, P1, D5, X, E, d, D, t, T, g, G, s, o, u,
 * Y, M) and the custom ones (#,##0.00, dd/MM/yyyy HH:mm, dddd, MMMM, tt, fff, zzz …) are
 * translated to Java's; an unreadable format gives NULL.
 */
public final class DemoFormat {
  private static final Pattern STANDARD_NUMBER = Pattern.compile("([NnFfCcPpDdXxEeGg])(\\d{0,2})");
  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})(?:[ T](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)(Z|[+-]\\d{2}(?::?\\d{2})?)?)?");
  private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?");

  private DemoFormat() {
  }

  public static String format(String value, String format) {
    return format(value, format, "en-US");
  }

  public static String format(String value, String format, String culture) {
    if (value == null || format == null || culture == null) {
      return null;
    }
    Locale locale = Locale.forLanguageTag(culture);
    try {
      BigDecimal number = number(value.trim());
      if (number != null) {
        return formatNumber(number, format, locale);
      }
      TemporalAccessor when = dateTime(value.trim());
      return when == null ? null : DateTimeFormatter.ofPattern(javaPattern(standardDate(format)), locale).format(when);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      return null;
    }
  }

  private static BigDecimal number(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String formatNumber(BigDecimal number, String format, Locale locale) {
    Matcher standard = STANDARD_NUMBER.matcher(format);
    if (!standard.matches()) {
      DecimalFormat custom = new DecimalFormat(format, DecimalFormatSymbols.getInstance(locale));
      custom.setRoundingMode(RoundingMode.HALF_UP);
      return custom.format(number);
    }
    char kind = Character.toUpperCase(standard.group(1).charAt(0));
    Integer digits = standard.group(2).isEmpty() ? null : Integer.valueOf(standard.group(2));
    int decimals = digits == null ? 2 : digits;
    return switch (kind) {
      case 'N', 'F' -> {
        NumberFormat f = NumberFormat.getNumberInstance(locale);
        f.setGroupingUsed(kind == 'N');
        yield fixed(f, decimals, number);
      }
      case 'C' -> fixed(NumberFormat.getCurrencyInstance(locale), decimals, number);
      case 'P' -> {
        NumberFormat f = NumberFormat.getNumberInstance(locale);
        yield fixed(f, decimals, number.movePointRight(2)) + "%";
      }
      case 'D' -> {
        BigInteger whole = number.toBigIntegerExact();
        String text = whole.abs().toString();
        yield (whole.signum() < 0 ? "-" : "") + "0".repeat(Math.max(0, (digits == null ? 0 : digits) - text.length())) + text;
      }
      case 'X' -> {
        String hex = number.toBigIntegerExact().toString(16);
        hex = "0".repeat(Math.max(0, (digits == null ? 0 : digits) - hex.length())) + hex;
        yield standard.group(1).equals("X") ? hex.toUpperCase(Locale.ROOT) : hex;
      }
      case 'E' -> {
        String e = String.format(locale, "%." + (digits == null ? 6 : digits) + "E", number);
        Matcher exp = Pattern.compile("E([+-])(\\d+)$").matcher(e);
        e = exp.find() ? e.substring(0, exp.start()) + "E" + exp.group(1) + "%03d".formatted(Integer.parseInt(exp.group(2))) : e;
        yield standard.group(1).equals("e") ? e.replace('E', 'e') : e;
      }
      default -> number.toPlainString();
    };
  }

  private static String fixed(NumberFormat f, int decimals, BigDecimal number) {
    f.setMinimumFractionDigits(decimals);
    f.setMaximumFractionDigits(decimals);
    f.setRoundingMode(RoundingMode.HALF_UP);
    return f.format(number);
  }

  /** A date as midnight, a time on 1900-01-01 (as .NET formats a SQL date or time). */
  private static TemporalAccessor dateTime(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (m.matches()) {
      LocalDate date = LocalDate.parse(m.group(1));
      LocalDateTime local = m.group(2) == null ? date.atStartOfDay() : LocalDateTime.of(date, LocalTime.parse(m.group(2)));
      if (m.group(3) == null) {
        return local;
      }
      String offset = m.group(3);
      return local.atOffset(ZoneOffset.of(offset.length() == 5 ? offset.substring(0, 3) + ":" + offset.substring(3) : offset));
    }
    if (TIME.matcher(text).matches()) {
      return LocalDate.of(1900, 1, 1).atTime(LocalTime.parse(text));
    }
    return null;
  }

  /** .NET's standard date formats (one letter) as custom ones, in en-US's shape. */
  private static String standardDate(String format) {
    return switch (format) {
      case "d" -> "M/d/yyyy";
      case "D" -> "dddd, MMMM d, yyyy";
      case "t" -> "h:mm tt";
      case "T" -> "h:mm:ss tt";
      case "f" -> "dddd, MMMM d, yyyy h:mm tt";
      case "F" -> "dddd, MMMM d, yyyy h:mm:ss tt";
      case "g" -> "M/d/yyyy h:mm tt";
      case "G" -> "M/d/yyyy h:mm:ss tt";
      case "s" -> "yyyy-MM-dd'T'HH:mm:ss";
      case "o", "O" -> "yyyy-MM-dd'T'HH:mm:ss.fffffff";
      case "u" -> "yyyy-MM-dd HH:mm:ss'Z'";
      case "Y", "y" -> "MMMM yyyy";
      case "M", "m" -> "MMMM d";
      default -> format;
    };
  }

  /** A .NET custom date format as a Java pattern; letters .NET does not know are literal text. */
  static String javaPattern(String net) {
    StringBuilder out = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < net.length()) {
      char c = net.charAt(i);
      int run = 1;
      while (i + run < net.length() && net.charAt(i + run) == c) {
        run++;
      }
      String mapped = switch (c) {
        case 'y' -> run <= 2 ? "yy" : "yyyy";
        case 'M' -> "M".repeat(Math.min(run, 4));
        case 'd' -> run <= 2 ? "d".repeat(run) : run == 3 ? "EEE" : "EEEE";
        case 'h', 'H', 'm', 's' -> String.valueOf(c).repeat(Math.min(run, 2));
        case 'f', 'F' -> "S".repeat(Math.min(run, 9));
        case 't' -> "a";
        case 'z' -> run == 1 ? "x" : run == 2 ? "x" : "xxx";
        case 'K' -> "XXX";
        default -> null;
      };
      if (mapped != null) {
        flush(out, literal);
        out.append(mapped);
        i += run;
      } else if (c == '\'' || c == '"') {
        int end = net.indexOf(c, i + 1);
        end = end < 0 ? net.length() : end;
        literal.append(net, i + 1, end);
        i = end + 1;
      } else if (c == '\\' && i + 1 < net.length()) {
        literal.append(net.charAt(i + 1));
        i += 2;
      } else {
        literal.append(c);
        i++;
      }
    }
    flush(out, literal);
    return out.toString();
  }

  private static void flush(StringBuilder out, StringBuilder literal) {
    if (literal.length() > 0) {
      out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
      literal.setLength(0);
    }
  }
}
