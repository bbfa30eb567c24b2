package com.pmsrelay.admin;

import com.pmsrelay.cloud.operator.OperatorApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Sends one admin command to a running cloud's operator API, as a plain blocking HTTP call. */
final class OperatorClient {
  /** A cloud on this machine answers at once; nothing listening is refused at once too. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** audit-verify reads every record: a long command is still one answer. */
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

  /** What the cloud answered: the command's exit status and what it printed. */
  record Answer(int exit, String out, String err) {}

  /** No cloud answered at the address: the caller uses the store. */
  static final class NoAnswer extends Exception {
    NoAnswer(String why) {
      super(why);
    }
  }

  /** A cloud (or something else) answered but did not run the command: one line with the fix. */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why);
    }
  }

  private OperatorClient() {}

  static Answer send(URI base, String token, Path tokenFile, List<String> args) throws NoAnswer, Refused {
    HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    HttpRequest request = HttpRequest.newBuilder(base.resolve(OperatorApi.PATH)).timeout(COMMAND_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + (token == null ? "" : token))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("args", new JsonArray(List.copyOf(args))).encode()))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new NoAnswer("no cloud answered at " + base);
    } catch (IOException e) {
      throw new NoAnswer("no cloud answered at " + base + " (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted");
    }
    if (response.statusCode() == 401) {
      throw new Refused(token == null
          ? "the cloud at " + base + " runs, but the operator token file " + tokenFile + " cannot be read: run admin as "
              + "the user the cloud runs as (or give it read access to that file)"
          : "the cloud at " + base + " refused the operator token in " + tokenFile + ": was the file replaced since the "
              + "cloud started? Restart the cloud to read it again");
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (RuntimeException e) {
      body = null;
    }
    if (response.statusCode() != 200 || body == null || body.getInteger("exit") == null) {
      String detail = body == null ? null : body.getString("detail");
      throw new Refused(detail != null ? "the cloud at " + base + " answered: " + detail
          : "something at " + base + " answered HTTP " + response.statusCode() + " but is not a pms-relay operator API:"
              + " check management.host and management.port, or run with --direct on a shared store");
    }
    return new Answer(body.getInteger("exit"), body.getString("out", ""), body.getString("err", ""));
  }
}
