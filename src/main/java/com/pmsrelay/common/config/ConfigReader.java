package com.pmsrelay.common.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Typed, validated reads of a merged configuration, by dotted key. Every failure names the key,
 * so a bad setting stops start-up with a message that says what to fix.
 */
public final class ConfigReader {
  /** The most instances of one verticle a setting may ask for. */
  public static final int MAX_INSTANCES = 64;
  private final JsonObject root;
  private final String prefix;

  public ConfigReader(JsonObject root) {
    this(root, "");
  }

  private ConfigReader(JsonObject root, String prefix) {
    this.root = root;
    this.prefix = prefix;
  }

  public ConfigReader section(String key) {
    Object value = find(key);
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException("config key '" + prefix + key + "' must be an object");
    }
    return new ConfigReader(object, prefix + key + ".");
  }

  public JsonObject json() {
    return root;
  }

  public String string(String key) {
    String value = optionalString(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException("config key '" + prefix + key + "' is required");
    }
    return value;
  }

  public String optionalString(String key) {
    Object value = find(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new ConfigException("config key '" + prefix + key + "' must be a string");
    }
    return s.isBlank() ? null : s;
  }

  public String oneOf(String key, List<String> allowed) {
    String value = string(key);
    if (!allowed.contains(value)) {
      throw new ConfigException("config key '" + prefix + key + "' must be one of " + allowed + " (was '" + value + "')");
    }
    return value;
  }

  public boolean bool(String key) {
    Object value = find(key);
    if (!(value instanceof Boolean b)) {
      throw new ConfigException("config key '" + prefix + key + "' must be true or false");
    }
    return b;
  }

  public int integer(String key, long min, long max) {
    return (int) longValue(key, min, Math.min(max, Integer.MAX_VALUE));
  }

  /**
   * A whole number, or {@code whenNull} when the key is null. An environment variable overriding a
   * null default arrives as text (the loader cannot know its type), so digits in a string count.
   */
  public int integerOr(String key, long min, long max, int whenNull) {
    Object value = find(key);
    if (value == null) {
      return whenNull;
    }
    if (value instanceof String s && s.trim().matches("-?\\d{1,10}")) {
      value = Long.parseLong(s.trim());
    }
    if (!(value instanceof Number)) {
      throw new ConfigException("config key '" + prefix + key + "' must be a whole number or null");
    }
    return integer(key, value, min, max);
  }

  /**
   * How many instances of an edge verticle to deploy: 1..{@value #MAX_INSTANCES}, null for one per
   * available processor (at most {@value #MAX_INSTANCES}).
   */
  public int instances(String key) {
    return integerOr(key, 1, MAX_INSTANCES, Math.min(MAX_INSTANCES, Runtime.getRuntime().availableProcessors()));
  }

  public long longValue(String key, long min, long max) {
    return longValue(key, find(key), min, max);
  }

  private int integer(String key, Object value, long min, long max) {
    return (int) longValue(key, value, min, Math.min(max, Integer.MAX_VALUE));
  }

  private long longValue(String key, Object value, long min, long max) {
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException("config key '" + prefix + key + "' must be a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new ConfigException("config key '" + prefix + key + "' must be between " + min + " and " + max + " (was " + v + ")");
    }
    return v;
  }

  public double decimal(String key, double min, double max) {
    Object value = find(key);
    if (!(value instanceof Number n)) {
      throw new ConfigException("config key '" + prefix + key + "' must be a number");
    }
    double v = n.doubleValue();
    if (v < min || v > max) {
      throw new ConfigException("config key '" + prefix + key + "' must be between " + min + " and " + max + " (was " + v + ")");
    }
    return v;
  }

  public JsonArray array(String key) {
    Object value = find(key);
    if (!(value instanceof JsonArray a)) {
      throw new ConfigException("config key '" + prefix + key + "' must be an array");
    }
    return a;
  }

  private Object find(String dottedKey) {
    Object current = root;
    for (String part : dottedKey.split("\\.")) {
      if (!(current instanceof JsonObject object) || !object.containsKey(part)) {
        throw new ConfigException("config key '" + prefix + dottedKey + "' is missing");
      }
      current = object.getValue(part);
    }
    return current;
  }
}
