package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.cloud.throttle.FailureThrottle;
import com.pmsrelay.cloud.webhook.WebhookStore;
import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The operator API on the management listener: {@code POST /operator/commands} with
 * {@code Authorization: Bearer <operator token>} and {@code {"args": ["practice", "list"]}} runs
 * that {@code admin} command in this node, on its own stores (the embedded H2 file the command
 * line could not open while the node holds it), and answers {@code {"exit", "out", "err"}}: what
 * the command line prints. Commands run one at a time on a thread of their own (they block on the
 * store, as the command line does), never on an event loop. A missing or wrong token is 401;
 * failures from one address slow it down ({@code throttle.operator}, as failed logins do): past
 * the free ones its attempts wait, are answered 429 with {@code Retry-After}, and are not checked.
 */
public final class OperatorApi implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorApi.class);
  public static final String PATH = "/operator/commands";
  /** A command's arguments are a few words: a larger body is refused before it is read. */
  static final long MAX_BODY_BYTES = 64 * 1024;
  /** The throttle's one account: the node has one operator token. */
  private static final String ACCOUNT = "operator";

  /** What the node gives the commands. */
  public record Parts(Stores stores, WebhookStore webhooks, Operations.Settings settings, LocalCommand.CloudFiles files) {}

  private final Vertx vertx;
  private final Parts parts;
  private final OperatorToken token;
  private final FailureThrottle throttle;
  private final Path dataDir;
  private final String host;
  private final IntSupplier port;
  private ExecutorService commands;
  private URI announced;

  /** {@code port}: the management listener's actual port, read once it listens. */
  public OperatorApi(Vertx vertx, Parts parts, OperatorToken token, FailureThrottle throttle, String host,
      IntSupplier port) {
    this.vertx = vertx;
    this.parts = parts;
    this.token = token;
    this.throttle = throttle;
    this.dataDir = parts.files().dataDir();
    this.host = host;
    this.port = port;
  }

  /** Mounts the route on the management listener's router. */
  public void mount(Router router) {
    // Vert.x Web reads the body first (a handler of its kind must come before the others); 64 KiB at most.
    router.post(PATH).handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES)).handler(this::authenticate)
        .handler(this::command);
  }

  /** Once the listener listens: commands may run, and admin finds this node through dataDir/operator-endpoint. */
  @Override
  public Future<Void> start() {
    commands = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "operator-command");
      t.setDaemon(true);
      return t;
    });
    URI uri = OperatorEndpoint.uri(host, port.getAsInt());
    return vertx.executeBlocking(() -> {
      OperatorEndpoint.write(dataDir, uri);
      announced = uri;
      LOG.info("operator API at {}{} (admin with this node's --config finds it)", uri, PATH);
      return null;
    });
  }

  @Override
  public Future<Void> stop() {
    URI uri = announced;
    announced = null;
    if (commands != null) {
      commands.shutdown();
    }
    return uri == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      OperatorEndpoint.delete(dataDir, uri);
      return null;
    });
  }

  private void authenticate(RoutingContext ctx) {
    String address = FailureThrottle.addressKey(ctx.request().remoteAddress());
    long waitMs = throttle.admit(ACCOUNT, address);
    if (waitMs > 0) {
      int retryAfter = FailureThrottle.retryAfterSeconds(waitMs);
      throttle.hold(ctx.vertx(), waitMs).onComplete(held -> {
        if (!ctx.response().closed()) {
          ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
          problem(ctx, ErrorCode.RATE_LIMITED, "too many wrong operator tokens from this address: retry after "
              + retryAfter + " s");
        }
      });
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    if (!token.matches(presented)) {
      throttle.failed(ACCOUNT, address);
      // Never the token presented: one line with where it came from.
      LOG.warn("operator API: refused a request with {} operator token from {}", presented == null ? "no" : "a wrong",
          ctx.request().remoteAddress());
      problem(ctx, ErrorCode.INVALID_TOKEN, "a missing or wrong operator token: admin sends the one in the cloud's "
          + "operator token file (management.operatorTokenFile, or dataDir/operator-token)");
      return;
    }
    throttle.succeeded(ACCOUNT, address);
    ctx.next();
  }

  private void command(RoutingContext ctx) {
    List<String> args;
    try {
      JsonArray given = ctx.body().asJsonObject().getJsonArray("args");
      args = new ArrayList<>();
      for (Object word : given) {
        args.add((String) word);
      }
    } catch (RuntimeException e) {
      problem(ctx, ErrorCode.INVALID_REQUEST, "the body must be {\"args\": [\"word\", ...]}, the admin command's words");
      return;
    }
    if (commands == null || commands.isShutdown()) {
      problem(ctx, ErrorCode.INTERNAL_ERROR, "this node is not running its operator API (starting or stopping)");
      return;
    }
    Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> execute(args), commands), ctx.vertx().getOrCreateContext())
        .onSuccess(answer -> ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(answer.toBuffer()))
        .onFailure(e -> {
          LOG.error("operator command failed: {}", CommandRun.oneLine(e));
          problem(ctx, ErrorCode.INTERNAL_ERROR, "the command failed: " + CommandRun.oneLine(e));
        });
  }

  /** Parses and runs one admin command as the command line would, here. */
  JsonObject execute(List<String> args) {
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    CommandLine admin = OperatorCommands.commandLine();
    admin.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    admin.setExecutionStrategy(parsed -> {
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return help;
      }
      Object leaf = CommandRun.leaf(parsed);
      if (leaf instanceof OperatorCommand command) {
        return CommandRun.run(command, new Operations(out, parts.stores(), parts.webhooks(), parts.settings()), err);
      }
      if (leaf instanceof LocalCommand command) {
        return CommandRun.runLocal(command, parts.files(), out, err);
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    int exit = admin.execute(args.toArray(String[]::new));
    admin.getOut().flush();
    admin.getErr().flush();
    return new JsonObject().put("exit", exit).put("out", outBytes.toString(StandardCharsets.UTF_8))
        .put("err", errBytes.toString(StandardCharsets.UTF_8));
  }

  private static void problem(RoutingContext ctx, ErrorCode code, String detail) {
    ctx.response().setStatusCode(code.status()).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("type", "about:blank").put("title", code.title()).put("status", code.status())
            .put("detail", detail).put("code", code.code()).toBuffer());
  }
}
