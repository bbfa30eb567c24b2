package com.pmsrelay.bench;

import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The relay's cloud for the bridge benchmarks. Its store is seeded once, before any start, with
 * the project's store classes: N practices (their agent keys kept in this JVM's memory only), one
 * integrator granted at all of them (so that the cloud's own API can say which agents are online)
 * and the bridge's TLS material. Each {@link #start} runs {@code com.pmsrelay.Main cloud --config
 * FILE} in a child JVM on a fresh copy of that data, on loopback with ephemeral ports, so every
 * start sees the same store: no practice online.
 */
final class SeededCloud {
  /** CloudNode's start-up line, the one place the child says which ports it got. */
  private static final Pattern UP = Pattern.compile("cloud node \\S+ up: API on port (\\d+), agent bridge on port (\\d+)");
  private static final int SEED_BATCH = 256;

  private final Vertx vertx;
  private final Path dir;
  private final Path template;
  private final List<PracticeStore.Created> practices;
  private final IntegratorStore.Created integrator;
  private final TlsMaterial tls;
  private int starts;

  private SeededCloud(Vertx vertx, Path dir, Path template, List<PracticeStore.Created> practices,
      IntegratorStore.Created integrator, TlsMaterial tls) {
    this.vertx = vertx;
    this.dir = dir;
    this.template = template;
    this.practices = practices;
    this.integrator = integrator;
    this.tls = tls;
  }

  /** Seeds a store of {@code count} practices under {@code dir}. Blocking. */
  static SeededCloud seed(Vertx vertx, Path dir, int count) throws Exception {
    Path template = dir.resolve("seeded");
    CloudConfig config = CloudConfig.from(ConfigLoader.load("cloud", writeConfig(dir, template), java.util.Map.of()));
    Files.createDirectories(template);
    TlsMaterial tls = TlsMaterial.configuredOrSelfSigned(config.bridge(), template);
    Database db = Database.open(vertx, config.store());
    try {
      PracticeStore practiceStore = new PracticeStore(db);
      GrantStore grants = new GrantStore(db);
      // The node started on a copy of this data directory finds the master key generated here.
      com.pmsrelay.cloud.keys.MasterKey keys = com.pmsrelay.cloud.keys.MasterKey.load(config.keys(), config.dataDir());
      IntegratorStore.Created integrator = com.pmsrelay.cloud.store.Stores.over(db, keys).integrators()
          .create("Bench status reader", null).await();
      List<PracticeStore.Created> practices = new ArrayList<>(count);
      for (int from = 0; from < count; from += SEED_BATCH) {
        List<Future<PracticeStore.Created>> batch = new ArrayList<>();
        for (int i = from; i < Math.min(count, from + SEED_BATCH); i++) {
          batch.add(practiceStore.create(String.format("Bench Practice %06d", i)).compose(created -> grants.put(
              Grant.withDefaults(created.practiceId(), integrator.clientId(), GrantStatus.ENABLED)).map(created)));
        }
        practices.addAll(Future.all(batch).await().list());
      }
      return new SeededCloud(vertx, dir, template, List.copyOf(practices), integrator, tls);
    } finally {
      db.close().await();
    }
  }

  /** The cloud's config file: only what differs from the shipped defaults. */
  private static Path writeConfig(Path dir, Path dataDir) throws IOException {
    JsonObject overrides = new JsonObject()
        .put("dataDir", dataDir.toAbsolutePath().toString())
        // Measured without TLS, as behind a TLS-terminating proxy (the cloud mode needs TLS or this switch).
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("tls", new JsonObject().put("behindProxy", true)))
        .put("management", new JsonObject().put("port", 0))
        .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0));
    Files.createDirectories(dir);
    Path file = dir.resolve(dataDir.getFileName() + ".json");
    Files.writeString(file, overrides.encodePrettily());
    return file;
  }

  List<PracticeStore.Created> practices() {
    return practices;
  }

  TlsMaterial tls() {
    return tls;
  }

  /** A cloud node on a fresh copy of the seeded data; its API ready. */
  Running start() throws Exception {
    Path data = dir.resolve("run-" + ++starts);
    copyTree(template, data);
    Path config = writeConfig(dir, data);
    ChildJvm jvm = ChildJvm.start("cloud-" + starts, dir, List.of("-Dlogback.configurationFile=bench-child-logback.xml"),
        "com.pmsrelay.Main", "cloud", "--config", config.toString());
    try {
      Matcher up = jvm.awaitLine(UP, Duration.ofSeconds(90));
      int httpPort = Integer.parseInt(up.group(1));
      CloudApi api = new CloudApi(vertx, httpPort, integrator);
      api.awaitReady(Duration.ofSeconds(30));
      return new Running(jvm, Integer.parseInt(up.group(2)), api);
    } catch (Exception e) {
      jvm.close();
      throw e;
    }
  }

  /** A started cloud node: its JVM, its bridge port and its API. */
  record Running(ChildJvm jvm, int port, CloudApi api) implements ChildJvm.Server {
    @Override
    public void close() throws InterruptedException {
      api.close();
      jvm.close();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
