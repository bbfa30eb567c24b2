package com.pmsrelay.contract;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The published OpenAPI description ({@code api/v1/openapi.json}) as vertx-openapi 5.0.7 can load
 * and validate it. That version knows JSON, vendor JSON ({@code application/vnd.…+json}),
 * multipart, text and octet-stream only, and refuses a document naming any other media type. So
 * the view renames three media types, one to one, to vendor JSON types with the same schema, and
 * {@link #body} turns recorded bodies of those types into the JSON they describe:
 * <ul>
 *   <li>{@code application/problem+json}: JSON already; validated against its schema as it is;
 *   <li>{@code application/x-ndjson}: the lines as one JSON array, each element against the
 *       line schema (the published schema describes one line);
 *   <li>{@code application/x-www-form-urlencoded}: the form's fields as a JSON object of strings.
 * </ul>
 * A response's header names are written in lower case (vertx-openapi 5.0.7 looks a response's
 * headers up by the name as written, in a map it made lower case). And the OAuth flow's {@code tokenUrl}, a relative reference as OpenAPI 3.1 allows for every URL
 * ("Relative References in URLs", resolved against the server), is made absolute: vertx-json-schema
 * asserts the 3.1 schema's {@code format: uri}, which that schema means only as an annotation.
 * Nothing else changes: paths, parameters, headers, schemas and status codes are the published
 * ones. (vertx-openapi 5.1 registers media types itself; most of this view goes when the BOM moves to it.)
 */
public final class ContractView {
  public static final String RESOURCE = "api/v1/openapi.json";
  static final Map<String, String> RENAMED = Map.of(
      "application/problem+json", "application/vnd.pmsrelay.problem+json",
      "application/x-ndjson", "application/vnd.pmsrelay.ndjson-lines+json",
      "application/x-www-form-urlencoded", "application/vnd.pmsrelay.form+json");

  private ContractView() {}

  /** The description as the jar holds it. */
  public static JsonObject published() {
    try (InputStream in = ContractView.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code document} (the published one, or a variant a test made) through the view. */
  public static Future<OpenAPIContract> load(Vertx vertx, JsonObject document) {
    return OpenAPIContract.from(vertx, view(document));
  }

  /** A copy of {@code document} with every content map's media types renamed (above). */
  static JsonObject view(JsonObject document) {
    JsonObject copy = document.copy();
    rename(copy);
    JsonObject schemes = copy.getJsonObject("components", new JsonObject()).getJsonObject("securitySchemes", new JsonObject());
    for (String name : schemes.fieldNames()) {
      JsonObject flows = schemes.getJsonObject(name).getJsonObject("flows");
      for (String flow : flows == null ? java.util.Set.<String>of() : flows.fieldNames()) {
        JsonObject f = flows.getJsonObject(flow);
        for (String url : new String[] {"tokenUrl", "authorizationUrl", "refreshUrl"}) {
          if (f.getValue(url) instanceof String relative && relative.startsWith("/")) {
            f.put(url, "https://relay.invalid" + relative);
          }
        }
      }
    }
    return copy;
  }

  private static void rename(Object node) {
    if (node instanceof JsonObject object) {
      if (object.getValue("content") instanceof JsonObject content) {
        JsonObject renamed = new JsonObject();
        for (String type : content.fieldNames()) {
          JsonObject mediaType = content.getJsonObject(type);
          if (type.equals("application/x-ndjson") && mediaType.containsKey("schema")) {
            // The body becomes an array of its lines: each line is one value of the published schema.
            mediaType = mediaType.copy().put("schema", new JsonObject().put("type", "array")
                .put("items", mediaType.getJsonObject("schema")));
          }
          renamed.put(RENAMED.getOrDefault(type, type), mediaType);
        }
        object.put("content", renamed);
      }
      if (object.containsKey("description") && object.getValue("headers") instanceof JsonObject headers) {
        // A response's headers by their lower-case names: ValidatableResponse keys what it was given so,
        // and vertx-openapi 5.0.7 looks them up by the name as written.
        JsonObject lower = new JsonObject();
        headers.forEach(e -> lower.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        object.put("headers", lower);
      }
      for (String key : object.fieldNames()) {
        if (!key.equals("content")) {
          rename(object.getValue(key));
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(ContractView::rename);
    }
  }

  /** The media type of a {@code Content-Type} header value, without parameters, lower case. */
  public static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** The media type under which the view describes a recorded {@code Content-Type}. */
  public static String viewType(String contentType) {
    String type = mediaType(contentType);
    return type == null ? null : RENAMED.getOrDefault(type, type);
  }

  /**
   * A recorded body as the view validates it: NDJSON as a JSON array of its lines (a line that is
   * not JSON fails here, with its number), a form as a JSON object of its fields.
   */
  public static Buffer body(String contentType, Buffer body) {
    String type = mediaType(contentType);
    if ("application/x-ndjson".equals(type)) {
      JsonArray lines = new JsonArray();
      String[] text = body.toString(StandardCharsets.UTF_8).split("\n", -1);
      for (int i = 0; i < text.length; i++) {
        if (text[i].isEmpty() && i == text.length - 1) {
          continue; // the newline that ends the last line
        }
        try {
          lines.add(io.vertx.core.json.Json.decodeValue(text[i]));
        } catch (io.vertx.core.json.DecodeException e) {
          throw new IllegalArgumentException("NDJSON line " + (i + 1) + " is not JSON");
        }
      }
      return lines.toBuffer();
    }
    if ("application/x-www-form-urlencoded".equals(type)) {
      JsonObject form = new JsonObject();
      for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.put(name, value);
      }
      return form.toBuffer();
    }
    return body;
  }
}
