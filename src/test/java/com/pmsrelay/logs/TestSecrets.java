package com.pmsrelay.logs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every secret the tests create, written down so that {@link LogSecretsIT} can look for it in the
 * logs of the whole run: one {@code kind<TAB>value} line per secret in
 * {@code target/test-secrets/<pid>.tsv}. Secrets with a recognisable form (client secrets, agent
 * keys, access tokens) are also found by their pattern ({@link LogScan#PATTERNS}), wherever a test
 * made them; this file adds the ones without one (passwords, master keys, parameter values).
 */
public final class TestSecrets {
  /** Shorter values would be found in logs by chance (a parameter "1", a name "Li"). */
  static final int MIN_LENGTH = 6;
  private static final Path FILE = TestFiles.target().resolve("test-secrets").resolve(ProcessHandle.current().pid() + ".tsv");

  private TestSecrets() {}

  /** Records {@code value} as a secret of {@code kind} (e.g. "console password"); nulls and short values are skipped. */
  public static synchronized void record(String kind, String value) {
    if (value == null || value.length() < MIN_LENGTH || kind.indexOf('\t') >= 0) {
      return;
    }
    String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, kind + "\t" + escaped + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The secrets in a demo's {@code credentials.json}: client secrets and console passwords. */
  public static void recordCredentials(JsonObject credentials) {
    JsonArray integrators = credentials.getJsonArray("integrators", new JsonArray());
    for (int i = 0; i < integrators.size(); i++) {
      record("client secret", integrators.getJsonObject(i).getString("clientSecret"));
    }
    JsonArray users = credentials.getJsonArray("consoleUsers", new JsonArray());
    for (int i = 0; i < users.size(); i++) {
      record("console password", users.getJsonObject(i).getString("password"));
    }
  }

  /** The string values a query binds: what an integrator asks for is patient data and never logged. */
  public static void recordParams(JsonObject queryBody) {
    Object params = queryBody.getValue("params");
    if (params instanceof JsonArray array) {
      for (Object value : array) {
        if (value instanceof String s) {
          record("parameter value", s);
        }
      }
    }
  }
}
