package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.admin.AdminCommands;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's {@code admin practice quarantine} and {@code resume} against a running cloud's
 * store (another process in production): their output, and their effect on the running node,
 * which learns of them through the change feed only.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class QuarantineCommandTest extends RelayTest {
  static final String SQL = "SELECT TOP 1 PatientId FROM dbo.Patients";

  record Run(int status, String out, String err) {}

  /** Runs an operator command on a plain thread (it blocks, as the CLI process would). */
  static Future<Run> admin(String... args) {
    return Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> {
      try {
        Path config = dir.resolve("operator-cloud.json");
        Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("data").resolve("cloud").toString()).encode());
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, runnable -> new Thread(runnable, "operator-command").start()), relay.vertx().getOrCreateContext());
  }

  /** Repeats a query until its answer is {@code expected} ("200" or "status code"); fails after {@code ms}. */
  /** Completes once the practice's agent is no longer connected to the node, or fails after {@code ms}. */
  static Future<Long> dropped(String practiceId, long ms) {
    long started = System.nanoTime();
    Promise<Long> promise = Promise.promise();
    relay.vertx().setPeriodic(0, 20, id -> {
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (!relay.demo.cloud().agents().isConnected(practiceId)) {
        relay.vertx().cancelTimer(id);
        promise.complete(elapsed);
      } else if (elapsed > ms) {
        relay.vertx().cancelTimer(id);
        promise.fail("the agent of practice " + practiceId + " was not dropped within " + ms + " ms");
      }
    });
    return promise.future();
  }

  static Future<Long> until(int integrator, String practiceId, String expected, long ms) {
    long started = System.nanoTime();
    Promise<Long> promise = Promise.promise();
    new Object() {
      void attempt() {
        relay.token(integrator).compose(t -> relay.query(t, practiceId, SQL)).onComplete(ar -> {
          long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          if (ar.succeeded() && expected.equals(answer(ar.result()))) {
            promise.complete(elapsed);
          } else if (elapsed > ms) {
            promise.fail("not " + expected + " within " + ms + " ms; last "
                + (ar.succeeded() ? answer(ar.result()) : ar.cause()));
          } else {
            relay.vertx().setTimer(20, id -> attempt());
          }
        });
      }
    }.attempt();
    return promise.future();
  }

  static String answer(HttpResponse<Buffer> r) {
    return r.statusCode() == 200 ? "200" : r.statusCode() + " " + r.bodyAsJsonObject().getString("code");
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void quarantineWithKeyRotationThenResumeOneThenAll(VertxTestContext ctx) {
    String practice = relay.practiceId(1);
    String recalls = relay.integrator(1).getString("clientId"); // enabled at practice 1
    String both = relay.integrator(2).getString("clientId"); // enabled at both
    Future.all(until(1, practice, "200", 5_000), until(2, practice, "200", 5_000))
        .compose(ready -> Future.all(admin("practice", "quarantine", practice), admin("practice", "resume", practice)))
        .compose(refused -> {
          ctx.verify(() -> {
            Run noReason = refused.resultAt(0);
            assertThat(noReason.status()).isEqualTo(2);
            assertThat(noReason.err()).contains("--reason");
            Run notQuarantined = refused.resultAt(1);
            assertThat(notQuarantined.status()).isEqualTo(2);
            assertThat(notQuarantined.err()).contains("not quarantined");
          });
          return admin("practice", "quarantine", practice, "--reason", "Ransomware on the practice server",
              "--rotate-agent-key");
        })
        .compose(run -> {
          ctx.verify(() -> {
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains("quarantined at").contains("Ransomware on the practice server")
                .containsPattern("paused\\s+" + recalls).containsPattern("paused\\s+" + both)
                .contains("/etc/pms-relay/agent.json").contains("C:\\ProgramData\\pms-relay\\agent.json")
                .contains("PMSRELAY_AGENT_KEY").contains("systemctl restart pms-relay-agent").contains("Restart-Service");
            assertThat(find(run.out(), "agent key (pmsa_\\S+)")).hasSizeGreaterThan(20);
          });
          // The running node hears of it through the change feed only: refused within a second.
          return Future.all(until(1, practice, "403 integration_disabled", 1_000),
              until(2, practice, "403 integration_disabled", 1_000), until(2, relay.practiceId(0), "200", 1_000));
        })
        // The grants' change and the key's reach the node as two notices: the agent is dropped within the second too.
        .compose(refusedWithin -> dropped(practice, 1_000))
        .compose(droppedWithin -> admin("practice", "resume", practice, "--integrator", recalls))
        .compose(run -> {
          ctx.verify(() -> {
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).containsPattern("restored\\s+" + recalls + "\\s+enabled").contains("still quarantined");
          });
          // Enabled again (so past the grant check), though its agent is away until the new key is installed.
          return Future.all(until(1, practice, "503 agent_offline", 1_000), until(2, practice, "403 integration_disabled", 1_000));
        })
        .compose(v -> admin("practice", "resume", practice))
        .compose(run -> {
          ctx.verify(() -> assertThat(run.out()).containsPattern("restored\\s+" + both).contains("no longer quarantined"));
          return until(2, practice, "503 agent_offline", 1_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
