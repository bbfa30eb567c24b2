package com.pmsrelay.contract;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks recorded API exchanges ({@link ApiExchanges}) against the OpenAPI description with
 * vertx-openapi's validators (through {@link ContractView}): the operation is found by method and
 * path; a request the description allows must get an answer it describes (status, headers, content
 * type, body; NDJSON line by line and in order); a request it does not allow (a test's deliberately
 * bad one) must be refused with a described 4xx problem. Paths no operation describes may only get
 * the router's 404/405 problems.
 */
final class ContractCheck {
  /** Any path's answers that come from the router, not an operation: for paths no operation describes. */
  static final Set<String> ROUTER_CODES = Set.of("not_found", "method_not_allowed");

  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;

  /** A check against the published description (through its {@link ContractView}). */
  static ContractCheck ofPublished(Vertx vertx) {
    return new ContractCheck(vertx, ContractView.load(vertx, ContractView.published()).await());
  }

  ContractCheck(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = ResponseValidator.create(vertx, contract);
  }

  OpenAPIContract contract() {
    return contract;
  }

  /** What the exchanges checked came to. */
  static final class Tally {
    int exchanges;
    int refusedAsDescribed;
    int bodiesNotChecked;
    final Map<String, Set<String>> statusesByOperation = new TreeMap<>();
    final Map<String, Set<String>> codesByOperation = new TreeMap<>();
    final List<String> failures = new ArrayList<>();

    void fail(JsonObject e, String operation, String why) {
      if (failures.size() < 200) {
        failures.add(e.getString("method") + " " + e.getString("path") + " [" + operation + "] -> "
            + e.getJsonObject("response", new JsonObject()).getValue("status") + " (" + e.getString("test") + "): " + why);
      }
    }
  }

  void check(JsonObject e, Tally tally) {
    try {
      checkOne(e, tally);
    } catch (RuntimeException unexpected) {
      // One exchange the check cannot read is a failure of its own, not the end of the report.
      tally.fail(e, "-", "the check could not read it: " + unexpected);
    }
  }

  private void checkOne(JsonObject e, Tally tally) {
    tally.exchanges++;
    if (e.containsKey("recordingFailed")) {
      tally.fail(e, "-", "the exchange could not be recorded: " + e.getString("recordingFailed"));
      return;
    }
    JsonObject response = e.getJsonObject("response");
    int status = response.getInteger("status");
    Operation op = contract.findOperation(e.getString("path"), HttpMethod.valueOf(e.getString("method")));
    if (op == null) {
      // No operation: only the router's own answers, as problems.
      String code = problemCode(response);
      if (code == null || !ROUTER_CODES.contains(code)) {
        tally.fail(e, "-", "no operation describes it, and the answer is not the router's 404/405 problem");
      }
      tally.statusesByOperation.computeIfAbsent("(no operation)", k -> new TreeSet<>()).add(String.valueOf(status));
      return;
    }
    String id = op.getOperationId();
    tally.statusesByOperation.computeIfAbsent(id, k -> new TreeSet<>()).add(String.valueOf(status));
    String code = problemCode(response);
    if (code != null) {
      tally.codesByOperation.computeIfAbsent(id, k -> new TreeSet<>()).add(code);
    }
    String refused = requestProblem(e, op);
    if (refused != null) {
      // A request outside the description must be refused, and as a described problem.
      if (status < 400 || status >= 500 || code == null) {
        tally.fail(e, id, "the request is outside the description (" + refused + ") but was answered " + status);
        return;
      }
      tally.refusedAsDescribed++;
    }
    String wrong = responseProblem(e, op, response, tally);
    if (wrong != null) {
      tally.fail(e, id, wrong);
    }
  }

  /** Why the recorded request is outside the description, or null if it is inside. */
  private String requestProblem(JsonObject e, Operation op) {
    JsonObject request = e.getJsonObject("request");
    JsonObject headers = request.getJsonObject("headers", new JsonObject());
    boolean open = op.getSecurityRequirements().stream().anyMatch(r -> r.getNames().isEmpty());
    if (!open && !first(headers, "Authorization").regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "no bearer token";
    }
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    Map<String, RequestParameter> header = new HashMap<>();
    Map<String, List<String>> queryValues;
    try {
      queryValues = queryParams(e.getString("query"));
    } catch (IllegalArgumentException malformed) {
      return "a malformed %-escape in the query";
    }
    for (Parameter p : op.getParameters()) {
      switch (p.getIn()) {
        case PATH -> {
          String[] segments = e.getString("path").substring(1).split("/");
          int segment = RequestUtils.findPathSegment(op.getAbsoluteOpenAPIPath(), p.getName());
          try {
            path.put(p.getName(), new RequestParameterImpl(segment <= segments.length
                ? java.net.URLDecoder.decode(segments[segment - 1], StandardCharsets.UTF_8) : null));
          } catch (IllegalArgumentException malformed) {
            return "a malformed %-escape in the path";
          }
        }
        case QUERY -> {
          List<String> values = queryValues.get(p.getName());
          query.put(p.getName(), new RequestParameterImpl(values == null ? null : values.get(0)));
        }
        case HEADER -> header.put(p.getName(), new RequestParameterImpl(first(headers, p.getName())));
        default -> { }
      }
    }
    ValidatableRequestImpl validatable;
    String contentType = request.getString("contentType");
    if (op.getRequestBody() == null || request.getString("body") == null) {
      if (op.getRequestBody() != null && op.getRequestBody().isRequired()) {
        return "no body";
      }
      validatable = new ValidatableRequestImpl(Map.of(), header, path, query);
    } else {
      Buffer body;
      try {
        body = ContractView.body(contentType, Buffer.buffer(request.getString("body")));
      } catch (IllegalArgumentException bad) {
        return bad.getMessage();
      }
      validatable = new ValidatableRequestImpl(Map.of(), header, path, query, new RequestParameterImpl(body),
          ContractView.viewType(contentType));
    }
    try {
      requests.validate(validatable, op.getOperationId()).await();
      return null;
    } catch (RuntimeException invalid) {
      return invalid.getMessage();
    }
  }

  /** What is wrong with the recorded answer, or null if the description allows it. */
  private String responseProblem(JsonObject e, Operation op, JsonObject response, Tally tally) {
    int status = response.getInteger("status");
    if (op.getResponse(status) == null) {
      return "status " + status + " is not described";
    }
    Map<String, String> headers = new HashMap<>();
    JsonObject recorded = response.getJsonObject("headers", new JsonObject());
    for (Parameter h : op.getResponse(status).getHeaders()) {
      String value = first(recorded, h.getName());
      if (!value.isEmpty()) {
        // A string header as a JSON string: vertx-openapi 5.0.7 decodes a value that is not a bare word as JSON,
        // and fails on one with quotes in it (WWW-Authenticate, ETag); the JSON string decodes to the value itself.
        headers.put(h.getName(), h.getSchemaType() == io.vertx.json.schema.common.dsl.SchemaType.STRING
            ? io.vertx.core.json.Json.encode(value) : value);
      }
    }
    String contentType = response.getString("contentType");
    String body = response.getString("body");
    boolean described = !op.getResponse(status).getContent().isEmpty();
    if (described && contentType != null && !op.getResponse(status).getContent().containsKey(ContractView.viewType(contentType))) {
      return "content type " + contentType + " is not described for " + status;
    }
    ValidatableResponse validatable;
    boolean truncated = response.getBoolean("truncated", false);
    boolean ndjson = "application/x-ndjson".equals(ContractView.mediaType(contentType));
    if (body == null || (truncated && !ndjson)) {
      tally.bodiesNotChecked++;
      if (described && !response.getBoolean("streamed", false) && body == null) {
        return "no body where one is described";
      }
      // Headers only: the body was streamed to the test, or cut.
      try {
        io.vertx.openapi.contract.Response r = op.getResponse(status);
        for (Parameter h : r.getHeaders()) {
          if (h.isRequired() && headers.get(h.getName()) == null) {
            return "required header " + h.getName() + " is missing";
          }
        }
      } catch (RuntimeException ex) {
        return ex.getMessage();
      }
      return null;
    }
    if (ndjson) {
      String lines = truncated ? body.substring(0, body.lastIndexOf('\n') + 1) : body;
      String shape = ndjsonShape(lines, truncated);
      if (shape != null) {
        return shape;
      }
      body = lines;
    }
    Buffer content;
    try {
      content = ContractView.body(contentType, Buffer.buffer(body));
    } catch (IllegalArgumentException bad) {
      return bad.getMessage();
    }
    validatable = ValidatableResponse.create(status, headers, content, ContractView.viewType(contentType));
    try {
      responses.validate(validatable, op.getOperationId()).await();
      return null;
    } catch (RuntimeException invalid) {
      return invalid.getMessage() + cause(invalid);
    }
  }

  /** The order of an NDJSON answer's lines: columns first, rows, then exactly one end or error line last. */
  private String ndjsonShape(String body, boolean truncated) {
    String[] lines = body.split("\n");
    if (lines.length == 0 || lines[0].isEmpty()) {
      return "an empty NDJSON answer";
    }
    for (int i = 0; i < lines.length; i++) {
      Object value;
      try {
        value = io.vertx.core.json.Json.decodeValue(lines[i]);
      } catch (io.vertx.core.json.DecodeException ex) {
        return "NDJSON line " + (i + 1) + " is not JSON";
      }
      boolean last = i == lines.length - 1;
      boolean columns = value instanceof JsonObject o && o.containsKey("columns");
      boolean ending = value instanceof JsonObject o && (o.containsKey("end") || o.containsKey("error"));
      if (i == 0 && !columns && !ending) {
        return "the first NDJSON line is neither the columns line nor an error line";
      }
      if (i > 0 && columns) {
        return "a columns line at line " + (i + 1);
      }
      if (ending && !last) {
        return "an end or error line before the last line (line " + (i + 1) + ")";
      }
      if (last && !ending && !truncated) {
        return "the NDJSON answer lacks its end line";
      }
    }
    return null;
  }

  /** The problem code of a problem answer, or null. */
  private String problemCode(JsonObject response) {
    if (!"application/problem+json".equals(ContractView.mediaType(response.getString("contentType")))
        || response.getString("body") == null) {
      return null;
    }
    try {
      return new JsonObject(response.getString("body")).getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String cause(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t.getCause(); c != null && out.length() < 600; c = c.getCause()) {
      out.append(" / ").append(c.getMessage());
    }
    return out.toString();
  }

  private String first(JsonObject headers, String name) {
    for (String key : headers.fieldNames()) {
      if (key.equalsIgnoreCase(name)) {
        Object v = headers.getValue(key);
        return v instanceof JsonArray a ? a.getString(0) : String.valueOf(v);
      }
    }
    return "";
  }

  private Map<String, List<String>> queryParams(String query) {
    Map<String, List<String>> out = new HashMap<>();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.computeIfAbsent(name, k -> new ArrayList<>())
          .add(eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

}
