package com.pmsrelay.contract;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Records the integrator API exchanges the end-to-end tests make, one JSON line each in
 * {@code target/api-exchanges/<pid>.ndjson}, for {@link OpenApiContractIT} to validate against the
 * OpenAPI description after the run. A recording client ({@link #recording}) records every exchange
 * it completes, whoever sends it; streamed answers read by the test itself are recorded by their
 * head ({@link #recordHead}). Credentials are masked (same length, so their limits still apply):
 * the files are no place for a secret. Bodies are kept up to {@link #MAX_BODY} bytes.
 *
 * <p>A line: {@code {"test", "method", "path", "query", "request": {"headers", "contentType",
 * "body"}, "response": {"status", "headers", "contentType", "body", "truncated", "streamed"}}}.
 */
public final class ApiExchanges {
  static final int MAX_BODY = 256 * 1024;
  /** The request headers the description speaks of, and the response headers it describes. */
  private static final List<String> REQUEST_HEADERS = List.of("Accept", "Authorization", "If-None-Match");
  private static final List<String> RESPONSE_HEADERS = List.of("Retry-After", "Location", "WWW-Authenticate",
      "Cache-Control", "ETag");
  private static final Path FILE = Path.of(System.getProperty("pmsrelay.target", "target")).toAbsolutePath()
      .resolve("api-exchanges").resolve(ProcessHandle.current().pid() + ".ndjson");

  private ApiExchanges() {}

  /** {@code client}, recording every exchange with the integrator API it completes from now on. */
  public static WebClient recording(WebClient client) {
    String test = currentTest(); // the client is made by the test (or its fixture); its calls run on event loops
    ((WebClientInternal) client).addInterceptor(ctx -> intercept(ctx, test));
    return client;
  }

  private static void intercept(HttpContext<?> ctx, String test) {
    try {
      if (ctx.phase() == ClientPhase.PREPARE_REQUEST) {
        ctx.set(BODY, requestBody(ctx.body())); // as the test gave it (later, a form is the client's multipart form)
      } else if (ctx.phase() == ClientPhase.SEND_REQUEST && isApi(ctx.clientRequest().getURI())) {
        // The request as it goes out (the client lets go of it before the answer is dispatched).
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(ctx.clientRequest().headers());
        if (!headers.contains("Content-Type") && ctx.contentType() != null) {
          headers.set("Content-Type", ctx.contentType());
        }
        ctx.set(SENT, new Sent(ctx.clientRequest().getMethod(), ctx.clientRequest().getURI(), headers,
            ctx.get(BODY)));
      } else if (ctx.phase() == ClientPhase.DISPATCH_RESPONSE && ctx.get(SENT) instanceof Sent sent) {
        HttpResponse<?> r = ctx.response();
        Buffer body = r.body() instanceof Buffer b ? b : null;
        MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap().addAll(r.headers());
        write(() -> exchange(test, sent.method(), sent.uri(), sent.headers(), sent.body(), r.statusCode(),
            responseHeaders, body, false));
      }
    } catch (RuntimeException e) {
      // The recording must never change a test's outcome; a broken line shows in the contract test.
      write(() -> new JsonObject().put("recordingFailed", e.toString()));
    }
    ctx.next();
  }

  /** The integrator API's paths (the OpenAPI description's); the console's API is not part of it. */
  static boolean isApi(String uri) {
    return uri.startsWith("/v1/") || uri.startsWith("/.well-known/") || uri.equals("/health") || uri.equals("/ready")
        || uri.startsWith("/health?") || uri.startsWith("/ready?");
  }

  private static final String SENT = ApiExchanges.class.getName() + ".sent";
  private static final String BODY = ApiExchanges.class.getName() + ".body";

  private record Sent(HttpMethod method, String uri, MultiMap headers, Buffer body) {}

  /**
   * Records an exchange whose answer the test reads as a stream: the request as sent and the
   * answer's status and headers (its body is not kept).
   */
  public static void recordHead(String test, HttpMethod method, String uri, MultiMap requestHeaders, Buffer requestBody,
      HttpClientResponse response) {
    MultiMap sentHeaders = MultiMap.caseInsensitiveMultiMap().addAll(requestHeaders);
    MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
    int status = response.statusCode();
    write(() -> exchange(test, method, uri, sentHeaders, requestBody, status, responseHeaders, null, true));
  }

  private static JsonObject exchange(String test, HttpMethod method, String uri, MultiMap requestHeaders, Buffer requestBody,
      int status, MultiMap responseHeaders, Buffer responseBody, boolean streamed) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    JsonObject request = new JsonObject().put("headers", headers(requestHeaders, REQUEST_HEADERS))
        .put("contentType", requestHeaders.get("Content-Type"));
    if (requestBody != null) {
      request.put("body", mask(requestBody.toString(StandardCharsets.UTF_8), requestHeaders.get("Content-Type")));
    }
    JsonObject response = new JsonObject().put("status", status).put("headers", headers(responseHeaders, RESPONSE_HEADERS))
        .put("contentType", responseHeaders.get("Content-Type")).put("streamed", streamed);
    if (responseBody != null) {
      boolean truncated = responseBody.length() > MAX_BODY;
      String text = (truncated ? responseBody.getBuffer(0, MAX_BODY) : responseBody).toString(StandardCharsets.UTF_8);
      response.put("body", maskToken(text)).put("truncated", truncated);
    }
    return new JsonObject().put("test", test).put("method", method.name()).put("path", path)
        .put("query", q < 0 ? null : uri.substring(q + 1)).put("request", request).put("response", response);
  }

  private static JsonObject headers(MultiMap headers, List<String> names) {
    JsonObject out = new JsonObject();
    for (String name : names) {
      List<String> values = headers.getAll(name);
      if (!values.isEmpty()) {
        out.put(name, new JsonArray(values.stream().map(v -> name.equals("Authorization") ? maskCredentials(v) : v).toList()));
      }
    }
    return out;
  }

  /** The body as the client sent it: a form as its URL-encoded text, JSON as text. */
  private static Buffer requestBody(Object body) {
    if (body == null) {
      return null;
    }
    if (body instanceof Buffer b) {
      return b;
    }
    if (body instanceof io.vertx.ext.web.multipart.MultipartForm form) {
      // sendForm: its attributes, URL-encoded as the client sends them.
      StringBuilder text = new StringBuilder();
      for (io.vertx.ext.web.multipart.FormDataPart part : form) {
        if (!part.isAttribute()) {
          continue;
        }
        if (text.length() > 0) {
          text.append('&');
        }
        text.append(URLEncoder.encode(part.name(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(part.value(), StandardCharsets.UTF_8));
      }
      return Buffer.buffer(text.toString());
    }
    if (body instanceof JsonObject json) {
      return json.toBuffer();
    }
    if (body instanceof JsonArray json) {
      return json.toBuffer();
    }
    return Buffer.buffer(io.vertx.core.json.Json.encode(body));
  }

  /** A form's client secret, masked. */
  private static String mask(String body, String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return body;
    }
    StringBuilder out = new StringBuilder();
    for (String pair : body.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = pair.indexOf('=');
      out.append(eq > 0 && pair.substring(0, eq).equals("client_secret")
          ? "client_secret=" + "x".repeat(pair.length() - eq - 1) : pair);
    }
    return out.toString();
  }

  /** An issued access token, and a webhook secret, masked. */
  private static String maskToken(String body) {
    // A webhook's signing secret too (PUT /v1/webhook): its prefix kept, so the answer still matches its schema.
    return body.replaceAll("\"access_token\"\\s*:\\s*\"[^\"]*\"", "\"access_token\":\"masked\"")
        .replaceAll("\"secret\"\\s*:\\s*\"whsec_[^\"]*\"", "\"secret\":\"whsec_masked\"");
  }

  /** {@code Bearer <token>} or {@code Basic <pair>}: the scheme and a mask of the same length. */
  private static String maskCredentials(String value) {
    int space = value.indexOf(' ');
    return space < 0 ? "x".repeat(value.length()) : value.substring(0, space + 1) + "x".repeat(value.length() - space - 1);
  }

  /** The test class calling, from the stack (a recorder knows no JUnit context); null if none. */
  public static String currentTest() {
    return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
        .filter(c -> c.endsWith("Test") || c.endsWith("IT")).findFirst().orElse(null));
  }

  /**
   * Encodes and appends one line on the recorder's own thread: the tests' event loops (some of them
   * the relay's own) only hand over what they received. Lines still queued at exit are written then.
   */
  private static void write(java.util.function.Supplier<JsonObject> line) {
    WRITER.execute(() -> {
      JsonObject json;
      try {
        json = line.get();
      } catch (RuntimeException e) {
        json = new JsonObject().put("recordingFailed", e.toString());
      }
      try {
        Files.createDirectories(FILE.getParent());
        Files.writeString(FILE, json.encode() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static final java.util.concurrent.ExecutorService WRITER = writer();

  private static java.util.concurrent.ExecutorService writer() {
    java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "api-exchanges");
      t.setDaemon(true);
      return t;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      writer.shutdown();
      try {
        writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "api-exchanges-flush"));
    return writer;
  }
}
