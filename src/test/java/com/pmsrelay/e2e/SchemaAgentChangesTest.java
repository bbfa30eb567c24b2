package com.pmsrelay.e2e;

import static com.pmsrelay.e2e.SchemaDiscoveryTest.assertProblem;
import static com.pmsrelay.e2e.SchemaDiscoveryTest.schema;
import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.agent.pms.demo.DemoPmsDatabase;
import com.pmsrelay.agent.pms.demo.DemoPmsSpec;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema discovery as the practice's agent changes: an agent that reconnects with another PMS
 * version is asked again (counted at the agent); an agent that is gone is 503 at once, cached
 * schema or not; an agent too old to know the request is 501 at once and never sent it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaAgentChangesTest extends RelayTest {
  static final String UPGRADED = "demo-pms (upgraded for SchemaAgentChangesTest)";

  @Test
  @Order(1)
  void anAgentBackWithAnotherPmsVersionIsAskedAgain(VertxTestContext ctx) {
    AgentNode first = relay.demo.agents().get(0);
    String practice = relay.practiceId(0);
    AgentNode[] upgraded = new AgentNode[1];
    long[] readsBefore = new long[1];
    relay.token(0)
        .compose(token -> schema(token, practice, "").compose(before -> {
          ctx.verify(() -> {
            assertThat(before.statusCode()).as(before.bodyAsString()).isEqualTo(200);
            assertThat(before.bodyAsJsonObject().getString("pmsVersion")).isEqualTo(DemoPmsDatabase.pmsVersion());
          });
          return schema(token, practice, ""); // now cached
        }).compose(cached -> {
          readsBefore[0] = first.executor().catalogueReads();
          return first.stop();
        }).compose(stopped -> relay.vertx().executeBlocking(() -> agentReporting(first.config(), UPGRADED)))
            .compose(agent -> {
              upgraded[0] = agent;
              return agent.start();
            })
            .compose(agent -> until(token, practice, r -> r.statusCode() == 200
                && UPGRADED.equals(r.bodyAsJsonObject().getString("pmsVersion")), 15_000))
            .compose(fresh -> schema(token, practice, "").map(again -> List.of(fresh, again))))
        .eventually(() -> upgraded[0] == null ? Future.succeededFuture() : upgraded[0].stop())
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(readsBefore[0]).as("the first agent read its catalogue once").isEqualTo(1);
          assertThat(upgraded[0].executor().catalogueReads()).as("reads by the upgraded agent").isEqualTo(1);
          assertThat(answers.get(1).bodyAsJsonObject().getString("pmsVersion")).isEqualTo(UPGRADED);
          assertThat(SchemaDiscoveryTest.names(answers.get(1).bodyAsJsonObject()))
              .containsExactlyElementsOf(SchemaDiscoveryTest.DEMO_TABLES);
          ctx.completeNow();
        })));
  }

  /** The same agent on the same demo database, reporting {@code version} as its PMS's version. */
  private static AgentNode agentReporting(AgentConfig config, String version) throws Exception {
    AgentConfig.Pms p = config.pms();
    String catalogue = p.catalogues().get(0);
    DemoPmsDatabase demo = DemoPmsDatabase.open(p.demoDir(), catalogue,
        new DemoPmsSpec(p.demoSeed(), p.demoPatients(), LocalDate.now()));
    PooledPms pms = PooledPms.of("demo", version, Map.of(catalogue, demo.readOnlyDataSource()),
        config.exec().maxConcurrent());
    return new AgentNode(relay.vertx(), config, pms, null);
  }

  @Test
  @Order(2)
  void aGoneAgentIs503AtOnceEvenWithItsSchemaCached(VertxTestContext ctx) {
    AgentNode agent = relay.demo.agents().get(1);
    String practice = relay.practiceId(1);
    long[] asked = new long[1];
    relay.token(1)
        .compose(token -> schema(token, practice, "").compose(cached -> {
          ctx.verify(() -> assertThat(cached.statusCode()).isEqualTo(200));
          return agent.stop();
        }).compose(stopped -> gone(practice, System.currentTimeMillis() + 5_000)).compose(seen -> {
          // The cloud has seen the connection close (on a busy machine that comes a little after the agent's stop).
          asked[0] = System.nanoTime();
          return schema(token, practice, "");
        }))
        .onComplete(ctx.succeeding(gone -> ctx.verify(() -> {
          assertProblem(gone, 503, "agent_offline");
          assertThat(gone.getHeader("Retry-After")).isNotNull();
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked[0])).isLessThan(1_500);
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void anAgentTooOldToKnowTheRequestIs501AtOnceAndNeverSentIt(VertxTestContext ctx) {
    AgentConfig config = relay.demo.agents().get(1).config(); // stopped by the test before
    String practice = relay.practiceId(1);
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    NetClient client = relay.vertx().createNetClient(AgentLink.clientOptions(config.cloud()));
    long[] asked = new long[1];
    connectAsOldAgent(client, config, heard)
        .compose(v -> relay.token(1))
        .compose(token -> until(token, practice, r -> r.statusCode() != 503, 10_000).compose(settled -> {
          asked[0] = System.nanoTime();
          return schema(token, practice, "");
        }))
        .compose(answer -> Future.<HttpResponse<Buffer>>future(p -> relay.vertx().setTimer(300, id -> p.complete(answer))))
        .eventually(client::close)
        .onComplete(ctx.succeeding(old -> ctx.verify(() -> {
          assertProblem(old, 501, "agent_outdated");
          assertThat(old.bodyAsJsonObject().getString("detail")).contains("update");
          assertThat(old.getHeader("Retry-After")).isNull();
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked[0])).isLessThan(1_500);
          assertThat(heard).as("what the old agent was sent").noneMatch(f -> f.encode().contains("\"schema\""));
          ctx.completeNow();
        })));
  }

  /**
   * Authenticates with the practice's key as an agent from before schema discovery would: its
   * credentials list no features and no catalogues. Records every frame the cloud sends it.
   */
  private static Future<Void> connectAsOldAgent(NetClient client, AgentConfig config, List<JsonObject> heard) {
    Promise<Void> registered = Promise.promise();
    return client.connect(config.cloud().addresses().get(0)).compose(socket -> {
      socket.handler(FrameReader.ofJson(1 << 20, frame -> {
        heard.add(frame);
        if ("auth-reply".equals(frame.getString("address"))) {
          socket.write(Frames.encode(Frames.register(Addresses.practice(config.practiceId()))));
          registered.tryComplete();
        }
      }, reason -> registered.tryFail(reason)));
      JsonObject credentials = new JsonObject().put("practiceId", config.practiceId()).put("agentKey", config.agentKey())
          .put("agentVersion", "0.9-before-schema").put("bootId", "old-agent")
          .put("pms", new JsonObject().put("kind", "demo").put("version", "old"));
      socket.write(Frames.encode(Frames.send(Addresses.AGENT_AUTH, credentials, "auth-reply")));
      return registered.future();
    });
  }

  /** Asks for the schema until the answer is {@code wanted}, failing after {@code withinMs}. */
  /** Completes once the cloud no longer holds a connection of the practice's agent. */
  private Future<Void> gone(String practice, long deadline) {
    if (!relay.demo.cloud().agents().isConnected(practice)) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture("the cloud still holds the stopped agent's connection");
    }
    return Future.<Void>future(p -> relay.vertx().setTimer(10, id -> p.complete())).compose(v -> gone(practice, deadline));
  }

  private static Future<HttpResponse<Buffer>> until(String token, String practice, Predicate<HttpResponse<Buffer>> wanted,
      long withinMs) {
    long deadline = System.currentTimeMillis() + withinMs;
    Promise<HttpResponse<Buffer>> done = Promise.promise();
    attempt(token, practice, wanted, deadline, done);
    return done.future();
  }

  private static void attempt(String token, String practice, Predicate<HttpResponse<Buffer>> wanted, long deadline,
      Promise<HttpResponse<Buffer>> done) {
    schema(token, practice, "").onComplete(ar -> {
      if (ar.succeeded() && wanted.test(ar.result())) {
        done.complete(ar.result());
      } else if (System.currentTimeMillis() > deadline) {
        done.fail("no wanted answer in time; last: "
            + (ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause()));
      } else {
        relay.vertx().setTimer(50, id -> attempt(token, practice, wanted, deadline, done));
      }
    });
  }
}
