package com.pmsrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of the tree, walked from picocli's own model (so a command added later is covered
 * too): --help and -h print its usage and exit 0, --version and -V print "pms-relay <version>" and
 * exit 0, an unknown option prints the error and its usage on stderr and exits 2, and none of them
 * opens a store or creates a file (the data dir the --config names stays absent).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandTreeTest {
  @TempDir Path dir;
  Path config;

  private record Result(int status, String out, String err) {}

  @BeforeEach
  void config() throws Exception {
    config = dir.resolve("cloud.json");
    Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("data").toString()).encode());
  }

  private static Result run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Cli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every command's words after pms-relay ([] for the top), depth first. */
  private static List<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    walk(Cli.commandLine(System.out, System.err), new ArrayList<>(), all);
    return all;
  }

  private static void walk(CommandLine command, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      List<String> next = new ArrayList<>(path);
      next.add(name);
      walk(sub, next, all);
    });
  }

  /** The words, with --config FILE where the command takes one (so that a command that ran would touch dir/data). */
  private List<String> withConfig(List<String> path, String... more) {
    List<String> args = new ArrayList<>(path);
    CommandLine command = Cli.commandLine(System.out, System.err);
    for (String word : path) {
      command = command.getSubcommands().get(word);
    }
    if (command.getCommandSpec().findOption("--config") != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    args.addAll(List.of(more));
    return args;
  }

  /** The command's required positional parameters (any word), then {@code word}: so that only the word is wrong. */
  private static String[] withPositionals(List<String> path, String word) {
    CommandLine command = Cli.commandLine(System.out, System.err);
    for (String name : path) {
      command = command.getSubcommands().get(name);
    }
    List<String> words = new ArrayList<>();
    command.getCommandSpec().positionalParameters().forEach(p -> {
      for (int i = 0; i < p.arity().min(); i++) {
        words.add("x");
      }
    });
    command.getCommandSpec().requiredArgs().stream().filter(a -> a.isOption())
        .forEach(o -> words.addAll(List.of(((CommandLine.Model.OptionSpec) o).longestName(), "x")));
    words.add(word);
    return words.toArray(String[]::new);
  }

  @Test
  void theTreeHasEveryModeAndOperatorCommand() {
    List<String> names = commands().stream().map(p -> String.join(" ", p)).toList();
    assertThat(names).contains("cloud", "agent", "demo", "doctor", "completion", "admin",
        "admin practice create", "admin practice list", "admin practice rotate-key", "admin practice quarantine",
        "admin practice resume", "admin integrator create", "admin integrator list", "admin integrator block",
        "admin integrator unblock", "admin integrator rotate-secret", "admin grant", "admin pairing create",
        "admin jwt rotate", "admin agents", "admin audit-verify", "admin alerts", "admin webhooks",
        "admin bridge fingerprint");
  }

  @Test
  void helpOfEveryCommandPrintsItsUsageAndTouchesNothing() {
    for (List<String> path : commands()) {
      for (String help : List.of("--help", "-h")) {
        Result r = run(withConfig(path, help));
        String name = String.join(" ", path);
        assertThat(r.status()).as(name + " " + help + ": " + r.err()).isZero();
        assertThat(r.err()).as(name).isEmpty();
        assertThat(r.out()).as(name).startsWith("Usage: ")
            .contains(path.isEmpty() ? "java -jar pms-relay.jar" : "pms-relay " + name);
        assertThat(dir.resolve("data")).as(name + " " + help + " created nothing").doesNotExist();
      }
    }
  }

  @Test
  void versionOfEveryCommandIsTheBuildsAndTouchesNothing() {
    for (List<String> path : commands()) {
      for (String version : List.of("--version", "-V")) {
        Result r = run(withConfig(path, version));
        assertThat(r.status()).as(path + " " + version).isZero();
        assertThat(r.out().strip()).as(path + " " + version).isEqualTo("pms-relay " + Version.current());
        assertThat(dir.resolve("data")).doesNotExist();
      }
    }
  }

  @Test
  void anUnknownOptionIsExitTwoWithTheCommandsUsageOnStderr() {
    for (List<String> path : commands()) {
      Result r = run(withConfig(path, withPositionals(path, "--no-such-option")));
      String name = String.join(" ", path);
      assertThat(r.status()).as(name).isEqualTo(2);
      assertThat(r.out()).as(name).isEmpty();
      assertThat(r.err()).as(name).contains("Unknown option: '--no-such-option'").contains("Usage: ");
      assertThat(dir.resolve("data")).doesNotExist();
    }
  }

  @Test
  void missingParametersAndCommandsAreExitTwoWithUsage() {
    for (List<String> args : List.of(List.<String>of(), List.of("admin"), List.of("admin", "practice"),
        List.of("admin", "practice", "create"), List.of("admin", "grant", "p1", "c1"), List.of("admin", "webhooks"),
        List.of("admin", "practice", "quarantine", "p1"), List.of("demo", "--nodes", "12"), List.of("doctor", "nurse"),
        List.of("cloud", "--port", "x"), List.of("no-such-mode"))) {
      Result r = run(args);
      assertThat(r.status()).as(args + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(args.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(run(List.of("admin", "practice", "quarantine", "p1")).err()).contains("--reason");
  }

  @Test
  void completionIsABashScriptForEveryCommand() {
    Result r = run(List.of("completion"));
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("complete -F").contains("pms-relay").contains("quarantine").contains("fingerprint")
        .contains("--max-rows").contains("doctor");
  }
}
