package com.pmsrelay.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.update.SelfUpdate;
import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.release.ReleaseJar;
import com.pmsrelay.common.release.ReleaseSignature;
import com.pmsrelay.demo.DemoMode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole self-update path with real jars and a real agent process: the built jar and copies of
 * it with higher versions in their manifests (so their bytes and versions differ), published
 * signed into the store of an in-process cloud; the agent runs as {@code java -jar
 * install/pms-relay.jar agent}, and this test plays its service manager, starting it again
 * whenever it exits with status 75. Shown: a tampered release refused and reported; a staged
 * roll-out that leaves this practice out is not offered to it, one that takes it in is; download,
 * switch and restart on the new version; a new version that cannot connect in its trial goes back
 * to the previous one, which reports why and does not take that release again.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SelfUpdateIT {
  private static final long TRIAL_MS = 20_000; // a new JVM on a busy 2-core machine connects well within it
  @TempDir Path dir;
  private DemoMode.Running cloud;
  private Process agent;
  private Path agentLog;
  private int starts;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.destroy();
      agent.waitFor(20, TimeUnit.SECONDS);
      agent.destroyForcibly();
    }
    if (cloud != null) {
      cloud.close().await();
    }
  }

  @Test
  void publishRollOutRefuseTamperedSwitchAndRollBack() throws Exception {
    Path built = Path.of(System.getProperty("pmsrelay.jar", "target/pms-relay.jar"));
    String v1 = ReleaseJar.read(built).version();
    Path install = Files.createDirectories(dir.resolve("install"));
    Files.copy(built, install.resolve("pms-relay.jar"));
    Path tampered = withVersion(built, "90.0.1");
    Path good = withVersion(built, "90.0.2");
    Path unlucky = withVersion(built, "90.0.3");
    KeyPair key = ReleaseSignature.generate();

    Path config = dir.resolve("demo.json");
    Files.writeString(config, new JsonObject().put("patients", 50).encode());
    cloud = DemoMode.start(config, 0, dir.resolve("cloud"), 1, new JsonObject(), new PrintStream(new ByteArrayOutputStream()));
    AgentNode inProcess = cloud.agents().get(0);
    inProcess.stop().await(); // practice 0's agent is the child process from here on
    String practiceId = inProcess.config().practiceId();
    ReleaseStore releases = new ReleaseStore(cloud.cloud().database());
    AgentStateStore states = new AgentStateStore(cloud.cloud().database());
    Path agentConfig = agentConfig(inProcess.config(), install, key, cloud.cloud().bridgePort());

    startAgent(agentConfig, Map.of());
    waitUntil(() -> connectedAs(practiceId, v1), 60_000, "the agent connects as " + v1);

    // A release whose jar was changed after it was signed: downloaded, refused, reported.
    publish(releases, tampered, key);
    cloud.cloud().database().update("UPDATE release_chunks SET bytes = ? WHERE version = ? AND seq = 3",
        Tuple.of(new byte[Releases.CHUNK_BYTES], "90.0.1")).await();
    rollout(releases, "90.0.1", 100, List.of());
    waitUntil(() -> reported(states, practiceId, "90.0.1", "refused"), 60_000, "the tampered release is refused");
    assertThat(states.of(practiceId).await().orElseThrow().updateReason()).contains("SHA-256 is not the signed one");
    assertThat(Files.readString(agentLog)).contains("refused release 90.0.1");
    assertThat(ReleaseJar.read(install.resolve("pms-relay.jar")).version()).isEqualTo(v1);

    // A staged roll-out that leaves this practice out: not offered.
    publish(releases, good, key);
    int bucket = Release.bucket(practiceId);
    rollout(releases, "90.0.2", bucket, List.of());
    Thread.sleep(3_000);
    assertThat(states.of(practiceId).await().orElseThrow().updateVersion()).isEqualTo("90.0.1");
    assertThat(agent.isAlive()).isTrue();

    // One that takes it in: downloaded, verified, switched; the agent exits 75 and starts on the new jar.
    rollout(releases, "90.0.2", bucket + 1, List.of());
    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exits to switch").isTrue();
    assertThat(agent.exitValue()).isEqualTo(SelfUpdate.RESTART_STATUS);
    assertThat(ReleaseJar.read(install.resolve("pms-relay.jar")).sha256()).isEqualTo(ReleaseJar.sha256(good));
    assertThat(ReleaseJar.read(install.resolve("pms-relay.previous.jar")).version()).isEqualTo(v1);
    startAgent(agentConfig, Map.of());
    waitUntil(() -> connectedAs(practiceId, "90.0.2"), 60_000, "the agent runs 90.0.2");
    waitUntil(() -> reported(states, practiceId, "90.0.2", "switched"), 30_000, "the switch is reported");

    // A new version that cannot connect within its trial: the previous jar goes back.
    publish(releases, unlucky, key);
    rollout(releases, "90.0.3", 100, List.of());
    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exits to switch to 90.0.3").isTrue();
    assertThat(agent.exitValue()).isEqualTo(SelfUpdate.RESTART_STATUS);
    // This start alone finds no cloud where it looks (the bridge's port is wrong): the new version cannot connect.
    startAgent(agentConfig, Map.of("PMSRELAY_CLOUD_PORT", "1"));
    assertThat(agent.waitFor(TRIAL_MS + 60_000, TimeUnit.MILLISECONDS)).as("the trial ends").isTrue();
    assertThat(agent.exitValue()).isEqualTo(SelfUpdate.RESTART_STATUS);
    assertThat(ReleaseJar.read(install.resolve("pms-relay.jar")).version()).isEqualTo("90.0.2");
    startAgent(agentConfig, Map.of());
    waitUntil(() -> connectedAs(practiceId, "90.0.2"), 60_000, "the agent is back on 90.0.2");
    waitUntil(() -> reported(states, practiceId, "90.0.3", "rolled-back"), 30_000, "the rollback is reported");
    assertThat(states.of(practiceId).await().orElseThrow().updateReason())
        .isEqualTo("version 90.0.3 did not connect to the cloud and reach the PMS database within " + TRIAL_MS / 1000 + " s");
    Thread.sleep(3_000); // still offered, never taken again
    assertThat(agent.isAlive()).isTrue();
    assertThat(reported(states, practiceId, "90.0.3", "rolled-back")).isTrue();
    assertThat(starts).as("v1, 90.0.2, 90.0.3 on trial, 90.0.2 again").isEqualTo(4);
  }

  /** The built jar with another Implementation-Version: a real version bump, other bytes. */
  private Path withVersion(Path jar, String version) throws Exception {
    Path out = dir.resolve("pms-relay-" + version + ".jar");
    try (JarFile in = new JarFile(jar.toFile())) {
      Manifest manifest = new Manifest(in.getManifest());
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
      try (JarOutputStream target = new JarOutputStream(Files.newOutputStream(out), manifest)) {
        for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
            continue;
          }
          target.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream data = in.getInputStream(entry)) {
            data.transferTo(target);
          }
          target.closeEntry();
        }
      }
    }
    return out;
  }

  private static void publish(ReleaseStore releases, Path jarFile, KeyPair key) throws Exception {
    ReleaseJar jar = ReleaseJar.read(jarFile);
    List<Buffer> chunks = new ArrayList<>();
    try (InputStream in = Files.newInputStream(jarFile)) {
      for (byte[] chunk; (chunk = in.readNBytes(Releases.CHUNK_BYTES)).length > 0; ) {
        chunks.add(Buffer.buffer(chunk));
      }
    }
    String signature = ReleaseSignature.sign(key.getPrivate(), jar.version(), jar.sizeBytes(), jar.sha256());
    assertThat(releases.publish(new Release(jar.version(), jar.sizeBytes(), jar.sha256(), signature,
        System.currentTimeMillis(), 0, List.of(), null), chunks).await()).isTrue();
  }

  private void rollout(ReleaseStore releases, String version, int percent, List<String> practices) {
    assertThat(releases.rollout(version, percent, practices).await()).isTrue();
    cloud.cloud().changes().publish(ChangeStore.RELEASES, "*").await();
  }

  private Path agentConfig(AgentConfig demo, Path install, KeyPair key, int bridgePort) throws Exception {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", demo.practiceId()).put("agentKey", demo.agentKey());
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", bridgePort)
        .getJsonObject("tls").put("pinnedSha256", demo.cloud().pinnedSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 1000).put("earlyMaxDelayMs", 500);
    json.put("pingIntervalMs", 2000);
    json.getJsonObject("management").put("port", 0); // other tests' agents may run beside it
    json.getJsonObject("registered").put("dir", dir.resolve("agent-data").toString());
    json.getJsonObject("pms").put("kind", "demo").put("product", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
        .getJsonObject("demo").put("dir", dir.resolve("agent-pms").toString()).put("patients", 10);
    json.getJsonObject("update").put("releasePublicKey", ReleaseSignature.publicText(key.getPublic()))
        .put("installDir", install.toString()).put("trialMs", TRIAL_MS).put("stateDir", dir.resolve("agent-data").toString());
    Path file = dir.resolve("agent.json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  /** Starts the agent as its service would (the jar in the install folder), its output appended to one log. */
  private void startAgent(Path config, Map<String, String> env) throws Exception {
    agentLog = dir.resolve("agent.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", dir.resolve("install").resolve("pms-relay.jar").toString(), "agent", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("PMSRELAY_"));
    pb.environment().putAll(env);
    agent = pb.start();
    starts++;
  }

  private boolean connectedAs(String practiceId, String version) {
    Optional<com.pmsrelay.cloud.store.Practice> p = cloud.cloud().practices().find(practiceId).await();
    return cloud.cloud().agents().isConnected(practiceId) && p.isPresent() && version.equals(p.get().agentVersion());
  }

  private static boolean reported(AgentStateStore states, String practiceId, String version, String state) {
    return states.of(practiceId).await().filter(s -> version.equals(s.updateVersion()) && state.equals(s.updateState()))
        .isPresent();
  }

  private void waitUntil(BooleanSupplier condition, long withinMs, String what) throws Exception {
    long until = System.currentTimeMillis() + withinMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("not within " + withinMs + " ms: " + what + "\nagent log:\n"
            + (agentLog != null && Files.exists(agentLog) ? tail(Files.readString(agentLog)) : ""));
      }
      if (agent != null && !agent.isAlive()) {
        throw new AssertionError("the agent exited (" + agent.exitValue() + ") while waiting: " + what + "\n"
            + tail(Files.readString(agentLog)));
      }
      Thread.sleep(100);
    }
  }

  private static String tail(String text) {
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }

}
