package com.pmsrelay.bench;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The footprint benchmark's agent process: {@code Main agent --config FILE} (same start-up: config
 * layers, one Vert.x, {@link AgentNode}, the version probed in the background), except that the
 * practice's database is the benchmark's H2 TCP server at {@code pms.jdbcUrl} with
 * {@code pms.user}/{@code pms.password}, reached as SQL Server would be (over a socket, through a
 * pool no larger than the cap): {@code Main} knows only {@code jdbc:sqlserver:} URLs and the
 * in-process demo PMS. The config file says {@code pms.kind: demo} only to pass that check; no demo
 * PMS is opened. The process ends when its standard input closes, so it never outlives the
 * benchmark, even one that was killed. FaultIT runs its agent with it too, for the same reason:
 * the test counts at the database what the agent really ran.
 */
public final class FootprintAgentMain {
  private FootprintAgentMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !args[0].equals("agent") || !args[1].equals("--config")) {
      System.err.println("usage: FootprintAgentMain agent --config FILE");
      System.exit(2);
    }
    AgentConfig config = AgentConfig.from(ConfigLoader.load("agent", Path.of(args[2]), System.getenv()));
    JdbcDataSource server = new JdbcDataSource();
    server.setURL(config.pms().jdbcUrl());
    server.setUser(config.pms().user());
    server.setPassword(config.pms().password());
    String catalogue = config.pms().catalogues().get(0);
    PooledPms pms = PooledPms.of(config.pms().product(), null, Map.of(catalogue, server),
        config.exec().maxConcurrent());
    Vertx vertx = VertxRuntime.create();
    VertxRuntime.closeOnShutdown(vertx);
    new AgentNode(vertx, config, pms, null).start().await();
    vertx.executeBlocking(pms::probeVersion); // as Main's agent does for SQL Server
    exitWhenParentGoes();
  }

  /** Blocks on standard input (no CPU) until the benchmark closes it or dies. */
  private static void exitWhenParentGoes() {
    try {
      while (System.in.read() >= 0) {
        // nothing is sent; only the end matters
      }
    } catch (java.io.IOException e) {
      // the pipe broke: the parent is gone too
    }
    Runtime.getRuntime().halt(0);
  }
}
