package com.pmsrelay.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mutator: the same seed gives the same inputs, so a failure names its seed and input
 * number and replays exactly ({@code -Dfuzz.seed=…}). It mutates JSON documents by shape (fields
 * dropped, added, retyped, values at their extremes) and bytes by position (flips, inserts,
 * deletions, truncation), from templates of valid inputs, so most inputs get past the first check.
 */
final class Mutator {
  /** Strings chosen to trip parsers, encoders and log lines. */
  private static final List<String> NASTY = List.of("", " ", "null", "0", "-1", "1e999", "NaN", "\u0000", "\r\n",
      "%00", "%zz", "..", "../../etc/passwd", "\"", "\\", "{}", "[]", "\uD800", "\uFFFF", "é", "日本語", "🙂",
      "'; DROP TABLE x; --", "<script>", "${jndi:ldap://x}", "relay.practice.", "relay.stream.", "relay.agent.auth",
      "relay.inbox.x", "relay.agent.moved", "00000000-0000-0000-0000-000000000000", "a".repeat(129),
      "x".repeat(70_000), "\t", "true", "SELECT 1", "Bearer", "Basic");
  private static final List<Object> NUMBERS = List.of(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
      Long.MIN_VALUE, 1.5, -0.0, 1e308, -1e308, 4.9e-324, 2147483648L, 9_007_199_254_740_993L);

  private final SplittableRandom random;

  Mutator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The mutator of input {@code index} of a run: inputs are independent, so any one replays alone. */
  static Mutator forInput(long seed, long index) {
    return new Mutator(seed * 0x9E3779B97F4A7C15L + index);
  }

  int below(int bound) {
    return random.nextInt(bound);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  @SafeVarargs
  final <T> T pickOf(T... options) {
    return options[random.nextInt(options.length)];
  }

  /** A JSON value of any type, often an extreme one. */
  Object value(int depth) {
    switch (random.nextInt(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return random.nextBoolean();
      case 2:
        return pick(NUMBERS);
      case 3:
        return random.nextInt(-1000, 100_000);
      case 4:
        return pick(NASTY);
      case 5:
        return text(random.nextInt(0, 40));
      case 6: {
        JsonArray array = new JsonArray();
        int n = random.nextInt(0, 5);
        for (int i = 0; i < n; i++) {
          array.add(value(depth + 1));
        }
        return array;
      }
      case 7: {
        JsonObject object = new JsonObject();
        int n = random.nextInt(0, 4);
        for (int i = 0; i < n; i++) {
          object.put(chance(0.5) ? pick(NASTY) : text(random.nextInt(1, 10)), value(depth + 1));
        }
        return object;
      }
      default:
        return "x".repeat(random.nextInt(0, 5_000));
    }
  }

  /** Random text, mostly printable, sometimes any code point. */
  String text(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      if (chance(0.9)) {
        s.append((char) random.nextInt(0x20, 0x7F));
      } else {
        s.appendCodePoint(random.nextInt(0, 0x110000)); // lone surrogates too
      }
    }
    return s.toString();
  }

  /** {@code template} with one to four changes of shape or value (the template is not changed). */
  JsonObject mutate(JsonObject template) {
    JsonObject json = template.copy();
    int changes = 1 + random.nextInt(4);
    for (int c = 0; c < changes; c++) {
      List<String> fields = new ArrayList<>(json.fieldNames());
      int op = random.nextInt(6);
      if (fields.isEmpty() || op == 0) {
        json.put(chance(0.5) ? pick(NASTY) : text(1 + random.nextInt(12)), value(0));
      } else if (op == 1) {
        json.remove(pick(fields));
      } else if (op == 2 && json.getValue(fields.get(0)) != null) {
        String field = pick(fields);
        if (json.getValue(field) instanceof JsonObject inner) {
          json.put(field, mutate(inner));
        } else {
          json.put(field, value(0));
        }
      } else if (op == 3) {
        String field = pick(fields);
        if (json.getValue(field) instanceof String s) {
          json.put(field, mutateText(s));
        } else {
          json.put(field, value(0));
        }
      } else {
        json.put(pick(fields), value(0));
      }
    }
    return json;
  }

  /** {@code s} cut, extended, or with characters changed. */
  String mutateText(String s) {
    switch (random.nextInt(6)) {
      case 0:
        return s.isEmpty() ? s : s.substring(0, random.nextInt(s.length()));
      case 1:
        return s + text(1 + random.nextInt(8));
      case 2:
        return pick(NASTY) + s;
      case 3: {
        if (s.isEmpty()) {
          return text(3);
        }
        char[] chars = s.toCharArray();
        chars[random.nextInt(chars.length)] = (char) random.nextInt(0, 0xFFFF);
        return new String(chars);
      }
      case 4:
        return s.toUpperCase(java.util.Locale.ROOT);
      default:
        return s.repeat(1 + random.nextInt(3));
    }
  }

  /** {@code data} with one to four byte-level changes. */
  byte[] mutateBytes(byte[] data) {
    byte[] out = data;
    int changes = 1 + random.nextInt(4);
    for (int c = 0; c < changes; c++) {
      int n = out.length;
      switch (random.nextInt(7)) {
        case 0 -> {
          if (n > 0) {
            out = out.clone();
            out[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> {
          if (n > 0) {
            out = out.clone();
            out[random.nextInt(n)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> out = n == 0 ? out : Arrays.copyOf(out, random.nextInt(n)); // truncated
        case 3 -> { // bytes inserted
          int at = random.nextInt(n + 1);
          byte[] insert = randomBytes(1 + random.nextInt(16));
          out = splice(out, at, at, insert);
        }
        case 4 -> { // a range deleted
          if (n > 1) {
            int from = random.nextInt(n);
            int to = Math.min(n, from + 1 + random.nextInt(16));
            out = splice(out, from, to, new byte[0]);
          }
        }
        case 5 -> { // a range repeated
          if (n > 1) {
            int from = random.nextInt(n);
            int to = Math.min(n, from + 1 + random.nextInt(32));
            out = splice(out, to, to, Arrays.copyOfRange(out, from, to));
          }
        }
        default -> { // a JSON-significant character put somewhere
          if (n > 0) {
            out = out.clone();
            byte[] significant = "{}[]\",:\\0-e".getBytes(StandardCharsets.US_ASCII);
            out[random.nextInt(n)] = significant[random.nextInt(significant.length)];
          }
        }
      }
    }
    return out;
  }

  byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Text nested {@code depth} deep: arrays or objects, to test nesting limits. */
  static String nested(int depth, boolean objects) {
    StringBuilder s = new StringBuilder(depth * 6);
    for (int i = 0; i < depth; i++) {
      s.append(objects ? "{\"a\":" : "[");
    }
    s.append("1");
    for (int i = 0; i < depth; i++) {
      s.append(objects ? "}" : "]");
    }
    return s.toString();
  }

  private static byte[] splice(byte[] data, int from, int to, byte[] insert) {
    byte[] out = new byte[data.length - (to - from) + insert.length];
    System.arraycopy(data, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(data, to, out, from + insert.length, data.length - to);
    return out;
  }
}
