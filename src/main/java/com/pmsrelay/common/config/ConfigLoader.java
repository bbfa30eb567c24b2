package com.pmsrelay.common.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds one mode's configuration in three layers: the documented defaults shipped in the jar
 * ({@code conf/<mode>.json}), an optional {@code --config FILE}, then environment variables.
 *
 * <p>Only keys present in the defaults exist: an unknown key in the file is an error (a typo must
 * not silently fall back to a default). Each leaf key {@code a.bCd} may be overridden by the
 * environment variable {@code PMSRELAY_A_B_CD}.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "PMSRELAY_";

  private ConfigLoader() {}

  public static JsonObject load(String mode, Path file, Map<String, String> env) {
    JsonObject config = defaults(mode);
    if (file != null) {
      merge(config, readFile(file), "", file.toString());
    }
    applyEnvironment(config, "", env);
    return config;
  }

  /** The shipped defaults of one mode, read from the classpath. */
  public static JsonObject defaults(String mode) {
    String resource = "/conf/" + mode + ".json";
    try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException("no defaults for mode '" + mode + "' (" + resource + ")");
      }
      return stripComments(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + resource + ": " + e.getMessage());
    }
  }

  /** The name of the environment variable that overrides a dotted key. */
  public static String envName(String dottedKey) {
    StringBuilder name = new StringBuilder(ENV_PREFIX);
    for (char c : dottedKey.toCharArray()) {
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  private static JsonObject readFile(Path file) {
    try {
      return stripComments(new JsonObject(Files.readString(file)));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("config file " + file + " is not valid JSON: " + e.getMessage());
    }
  }

  /** Keys starting with "_" document the file (JSON has no comments); they carry no setting. */
  private static JsonObject stripComments(JsonObject json) {
    json.fieldNames().removeIf(k -> k.startsWith("_"));
    for (String key : json.fieldNames()) {
      if (json.getValue(key) instanceof JsonObject nested) {
        stripComments(nested);
      }
    }
    return json;
  }

  private static void merge(JsonObject target, JsonObject source, String prefix, String origin) {
    for (String key : source.fieldNames()) {
      String path = prefix + key;
      if (!target.containsKey(key)) {
        throw new ConfigException("unknown config key '" + path + "' in " + origin);
      }
      Object current = target.getValue(key);
      Object value = source.getValue(key);
      if (current instanceof JsonObject nested) {
        if (!(value instanceof JsonObject object)) {
          throw new ConfigException("config key '" + path + "' in " + origin + " must be an object");
        }
        merge(nested, object, path + ".", origin);
      } else {
        target.put(key, value);
      }
    }
  }

  private static void applyEnvironment(JsonObject config, String prefix, Map<String, String> env) {
    for (String key : config.fieldNames()) {
      String path = prefix + key;
      Object current = config.getValue(key);
      if (current instanceof JsonObject nested) {
        applyEnvironment(nested, path + ".", env);
        continue;
      }
      String raw = env.get(envName(path));
      if (raw != null) {
        config.put(key, parseEnv(path, current, raw));
      }
    }
  }

  private static Object parseEnv(String path, Object current, String raw) {
    String variable = envName(path);
    try {
      if (current instanceof Boolean) {
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
          throw new ConfigException("environment " + variable + " (config key '" + path + "') must be true or false");
        }
        return Boolean.parseBoolean(raw);
      }
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(raw.trim());
      }
      if (current instanceof Number) {
        return Double.parseDouble(raw.trim());
      }
      if (current instanceof JsonArray) {
        return new JsonArray(raw);
      }
      return raw;
    } catch (NumberFormatException | DecodeException e) {
      throw new ConfigException("environment " + variable + " (config key '" + path + "') has an invalid value");
    }
  }
}
