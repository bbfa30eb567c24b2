package com.pmsrelay.admin;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.operator.CommandRun;
import com.pmsrelay.cloud.operator.LocalCommand;
import com.pmsrelay.cloud.operator.NodeCommand;
import com.pmsrelay.cloud.operator.OperatorCommand;
import com.pmsrelay.cloud.operator.OperatorCommands;
import com.pmsrelay.cloud.operator.OperatorEndpoint;
import com.pmsrelay.cloud.operator.OperatorToken;
import com.pmsrelay.cloud.operator.Operations;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.cloud.webhook.WebhookStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * {@code java -jar pms-relay.jar admin …}: parses an operator command ({@link OperatorCommands})
 * and runs it where the store is: at the running cloud, through its operator API (found through
 * the same --config: dataDir/operator-endpoint, or management.host and port, with the operator
 * token file), or, when no cloud answers, on the store opened here. Help and usage errors touch
 * nothing. Every failure is one plain line on stderr, exit 1 (or 2 for bad input).
 */
public final class AdminCommands {
  private AdminCommands() {}

  /** Runs one command (the words after {@code admin}); returns the process exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    CommandLine admin = OperatorCommands.commandLine();
    PrintWriter outWriter = new PrintWriter(out, true);
    PrintWriter errWriter = new PrintWriter(err, true);
    admin.setOut(outWriter).setErr(errWriter);
    admin.setExecutionStrategy(parsed -> {
      Integer help = CommandLine.executeHelpRequest(parsed);
      return help != null ? help : dispatch(parsed, args, out, err);
    });
    int status = admin.execute(args.toArray(String[]::new));
    outWriter.flush();
    errWriter.flush();
    return status;
  }

  /**
   * Runs a parsed admin command (help already answered). {@code admin}: the parse from the
   * {@code admin} command down; {@code args}: the words after {@code admin}, as the cloud parses them.
   */
  public static int dispatch(CommandLine.ParseResult admin, List<String> args, PrintStream out, PrintStream err) {
    Object leaf = CommandRun.leaf(admin);
    if (!(leaf instanceof OperatorCommand) && !(leaf instanceof LocalCommand)) {
      return new CommandLine.RunLast().execute(admin); // a group without its command: picocli's usage error
    }
    OperatorCommands options = (OperatorCommands) admin.commandSpec().userObject();
    CloudConfig cloud;
    try {
      cloud = CloudConfig.from(ConfigLoader.load("cloud", options.configFile, System.getenv()));
    } catch (ConfigException e) {
      err.println("pms-relay admin: invalid configuration: " + e.getMessage());
      return 2;
    }
    if (leaf instanceof LocalCommand local) {
      return CommandRun.runLocal(local, new LocalCommand.CloudFiles(cloud.bridge(), cloud.dataDir()), out, err);
    }
    Path tokenFile = OperatorToken.file(cloud.management().operatorTokenFile(), cloud.dataDir());
    Optional<URI> cloudAt = options.direct ? Optional.empty() : runningCloud(cloud, tokenFile);
    if (cloudAt.isPresent()) {
      try {
        OperatorClient.Answer answer = OperatorClient.send(cloudAt.get(), readToken(tokenFile), tokenFile, args);
        if (options.verbose) {
          err.println("pms-relay admin: ran in the cloud at " + cloudAt.get() + " (operator API)");
        }
        out.print(answer.out());
        err.print(answer.err());
        return answer.exit();
      } catch (OperatorClient.NoAnswer e) {
        if (options.verbose) {
          err.println("pms-relay admin: " + e.getMessage() + "; opening the store directly");
        }
      } catch (OperatorClient.Refused e) {
        err.println("pms-relay admin: " + e.getMessage());
        return 1;
      }
    } else if (options.verbose) {
      err.println("pms-relay admin: " + (options.direct ? "--direct" : "no cloud runs with this data dir ("
          + OperatorEndpoint.file(cloud.dataDir()) + " absent)") + "; opening the store directly");
    }
    if (leaf instanceof NodeCommand) {
      err.println("pms-relay admin: no cloud node answers for this --config (" + OperatorEndpoint.file(cloud.dataDir())
          + " absent or the node silent): this command changes a running node; start the cloud, or give its --config");
      return 1;
    }
    return onStore(cloud, (OperatorCommand) leaf, out, err);
  }

  /** Where a cloud with this config would answer, if one announced itself or a fixed port is configured. */
  private static Optional<URI> runningCloud(CloudConfig cloud, Path tokenFile) {
    try {
      Optional<URI> announced = OperatorEndpoint.read(cloud.dataDir());
      if (announced.isPresent()) {
        return announced;
      }
    } catch (IOException e) {
      // unreadable: try the configured address
    }
    // No announcement here (the cloud may keep its data dir elsewhere): the configured listener, if it has a token.
    return cloud.management().port() != 0 && Files.exists(tokenFile)
        ? Optional.of(OperatorEndpoint.uri(cloud.management().host(), cloud.management().port())) : Optional.empty();
  }

  private static String readToken(Path tokenFile) {
    try {
      return OperatorToken.read(tokenFile);
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs the command on the store opened here: no cloud holds it (or --direct on a shared store). */
  private static int onStore(CloudConfig cloud, OperatorCommand command, PrintStream out, PrintStream err) {
    Vertx vertx = VertxRuntime.create();
    Database db = null;
    try {
      try {
        db = Database.open(vertx, cloud.store());
      } catch (RuntimeException e) {
        err.println("pms-relay admin: cannot open the store: " + storeProblem(e, cloud));
        return 1;
      }
      MasterKey keys;
      try {
        // The node's master key: the keys at rest (client secrets' hashes, ...) are derived from it.
        keys = MasterKey.load(cloud.keys(), cloud.dataDir());
      } catch (IOException e) {
        err.println("pms-relay admin: cannot read or make the master key under " + cloud.dataDir() + ": " + e.getMessage());
        return 2;
      } catch (ConfigException e) {
        err.println("pms-relay admin: invalid configuration: " + e.getMessage());
        return 2;
      }
      Operations ops = new Operations(out, Stores.over(db, keys), new WebhookStore(db, keys.sealing(KeyPurposes.WEBHOOK_SECRETS)),
          new Operations.Settings(Duration.ofMillis(cloud.bridge().heartbeatTimeoutMs()), cloud.auditSignEveryMs()));
      return CommandRun.run(command, ops, err);
    } finally {
      if (db != null) {
        db.close().await();
      }
      vertx.close().await();
    }
  }

  /** Why the store did not open, in one line with the fix. */
  private static String storeProblem(RuntimeException e, CloudConfig cloud) {
    String said = CommandRun.oneLine(e);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("already in use")) {
        return "the embedded store under " + cloud.dataDir() + " is held by another process (a cloud running with this"
            + " data dir whose operator API did not answer?): run admin with the cloud's own --config while it runs,"
            + " or stop it first";
      }
    }
    return said;
  }
}
