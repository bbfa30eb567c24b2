package com.pmsrelay.console;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The packaged jar in demo mode, as a newcomer starts it; the calls to it are {@link DemoClient}'s. */
final class DemoJar extends DemoClient implements AutoCloseable {
  final Process process;
  private final Path log;

  private DemoJar(Process process, JsonObject credentials, Path log) {
    super(credentials);
    this.process = process;
    this.log = log;
  }

  static DemoJar start(Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("pmsrelay.jar", "target/pms-relay.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("the packaged jar is missing (mvn verify builds it): " + jar);
    }
    Process p = new ProcessBuilder("java", "-jar", jar.toString(), "demo", "--port", "0", "--data-dir", dir.toString())
        .redirectOutput(dir.resolve("demo.out").toFile())
        .redirectError(dir.resolve("demo.log").toFile())
        .start();
    Path file = dir.resolve("credentials.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(file) || Files.size(file) == 0) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("the demo did not start; see " + dir.resolve("demo.log"));
      }
      Thread.sleep(200);
    }
    Thread.sleep(200); // the file is written in one go; a short pause covers a reader racing the writer
    DemoJar demo = new DemoJar(p, new JsonObject(Files.readString(file)), dir.resolve("demo.log"));
    com.pmsrelay.logs.TestSecrets.recordCredentials(demo.credentials);
    demo.awaitAgentsOnline();
    return demo;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    com.pmsrelay.logs.TestLogs.keep("demo-jar", log);
  }
}
