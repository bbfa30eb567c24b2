package com.pmsrelay.demo;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** What demo mode prints: where things are, and one curl example that works when pasted. */
final class DemoBanner {
  /** Marks the line of the pasteable example, so that tests can find it. */
  static final String CURL_MARKER = "# paste to query: ";

  private DemoBanner() {}

  static String text(JsonObject credentials, Path credentialsFile) {
    String api = credentials.getString("apiBaseUrl");
    JsonObject integrator = credentials.getJsonArray("integrators").getJsonObject(2);
    JsonObject practice = credentials.getJsonArray("practices").getJsonObject(0);
    StringBuilder text = new StringBuilder();
    text.append("\n  pms-relay demo is running (synthetic data only)\n\n");
    text.append("  API:          ").append(api).append("/v1\n");
    text.append("  Console:      ").append(credentials.getString("consoleUrl")).append('\n');
    text.append("  Credentials:  ").append(credentialsFile.toAbsolutePath()).append('\n');
    credentials.getJsonArray("practices").forEach(p -> text.append("  Practice:     ")
        .append(((JsonObject) p).getString("name")).append("  ").append(((JsonObject) p).getString("practiceId")).append('\n'));
    text.append("\n  Try it (").append(integrator.getString("name")).append(" reading ")
        .append(practice.getString("name")).append("):\n\n");
    text.append(CURL_MARKER).append('\n');
    text.append(curl(api, integrator, practice.getString("practiceId"))).append("\n\n");
    text.append("# then, in the same shell, the tables and views it may read there (columns, types, keys):\n");
    text.append("curl -s ").append(api).append("/v1/practices/").append(practice.getString("practiceId"))
        .append("/schema -H \"Authorization: Bearer $TOKEN\"\n\n");
    return text.toString();
  }

  static String curl(String api, JsonObject integrator, String practiceId) {
    return "TOKEN=$(curl -s " + api + "/v1/token -d grant_type=client_credentials -d client_id="
        + integrator.getString("clientId") + " -d client_secret=" + integrator.getString("clientSecret")
        + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/') && curl -s " + api + "/v1/practices/" + practiceId
        + "/queries -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
        + " -d '{\"sql\": \"SELECT TOP 5 PatientId, FirstName, Surname, DOB FROM dbo.Patients ORDER BY PatientId\"}'";
  }
}
