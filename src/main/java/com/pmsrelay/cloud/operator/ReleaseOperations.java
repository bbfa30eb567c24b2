package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.common.OwnerOnlyFile;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.release.ReleaseJar;
import com.pmsrelay.common.release.ReleaseSignature;
import com.pmsrelay.common.release.ReleaseVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What the release commands do ({@link ReleaseCommands}): releases signed with the operator's
 * Ed25519 key and stored for agents, their roll-out, the version policy and server moves. The
 * release key's private half stays where keygen wrote it: publish reads it to sign where the
 * command runs, and only the signature reaches the store.
 */
final class ReleaseOperations {
  private final Operations ops;
  private final PrintStream out;
  private final ReleaseStore releases;
  private final AgentStateStore states;
  private final ChangeStore changes;

  ReleaseOperations(Operations ops) {
    this.ops = ops;
    this.out = ops.out();
    this.releases = ops.stores().releases();
    this.states = ops.stores().agentStates();
    this.changes = ops.stores().changes();
  }

  /** {@code release keygen --out FILE}: refuses to overwrite a key. */
  static void keygen(PrintStream out, Path file) throws IOException {
    KeyPair pair = ReleaseSignature.generate();
    byte[] pem = ReleaseSignature.privatePem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    try {
      if (!OwnerOnlyFile.create(file, pem)) {
        out.println("(this file system has no POSIX permissions: restrict " + file + " to yourself)");
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " exists: a release key is never overwritten");
    }
    out.println("release private key written to " + file + " (owner-only). Keep it offline; it never goes to the cloud.");
    out.println("release public key " + ReleaseSignature.publicText(pair.getPublic()));
    out.println("Agents trust releases signed with it when their agent.json has it as update.releasePublicKey.");
  }

  /**
   * {@code release sign}: the jar's signature, made here with the private key, to a file that
   * {@code publish --signature} stores: the key need never be where the cloud runs.
   */
  static void sign(PrintStream out, Path jarPath, Path keyFile, Path signatureFile) {
    ReleaseJar jar = versionedJar(jarPath, null);
    String signature = ReleaseSignature.sign(privateKey(keyFile), jar.version(), jar.sizeBytes(), jar.sha256());
    JsonObject signed = new JsonObject().put("version", jar.version()).put("sizeBytes", jar.sizeBytes())
        .put("sha256", jar.sha256()).put("signature", signature);
    try {
      Files.writeString(signatureFile, signed.encodePrettily() + "\n");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write " + signatureFile + ": " + e.getMessage());
    }
    out.println("release " + jar.version() + " signed: " + signatureFile + " (publish it with --signature "
        + signatureFile + ")");
  }

  /** Stores the jar with a signature made now from {@code keyFile}, or read from {@code signatureFile}. */
  void publish(String jarPath, String keyFile, String signatureFile, String version) {
    ReleaseJar jar = versionedJar(Path.of(jarPath), version);
    String signature = keyFile != null
        ? ReleaseSignature.sign(privateKey(Path.of(keyFile)), jar.version(), jar.sizeBytes(), jar.sha256())
        : signatureFor(jar, Path.of(signatureFile));
    List<Buffer> chunks = new ArrayList<>();
    try (InputStream in = Files.newInputStream(jar.path())) {
      for (byte[] chunk; (chunk = in.readNBytes(Releases.CHUNK_BYTES)).length > 0; ) {
        chunks.add(Buffer.buffer(chunk));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage());
    }
    Release release = new Release(jar.version(), jar.sizeBytes(), jar.sha256(), signature, System.currentTimeMillis(), 0,
        List.of(), null);
    if (!releases.publish(release, chunks).await()) {
      throw new IllegalArgumentException("release " + jar.version() + " was published before; a version names one jar");
    }
    ops.note(AuditRecord.NO_PRACTICE, "release.publish", null, new JsonObject().put("version", jar.version())
        .put("sizeBytes", jar.sizeBytes()).put("sha256", jar.sha256()));
    out.println("release " + jar.version() + " published: " + jar.sizeBytes() + " bytes, SHA-256 " + jar.sha256());
    out.println("Offered to nobody yet: release rollout " + jar.version() + " --percent 10 (or --practices ID,ID, or --all).");
  }

  /** The jar, with the release version its manifest names (and {@code expected}, when given). */
  private static ReleaseJar versionedJar(Path jarPath, String expected) {
    ReleaseJar jar;
    try {
      jar = ReleaseJar.read(jarPath);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage());
    }
    if (!ReleaseVersion.valid(jar.version())) {
      throw new IllegalArgumentException(jarPath + " has no release version in its manifest (Implementation-Version: "
          + jar.version() + "); agents would not know they run it");
    }
    if (expected != null && !expected.equals(jar.version())) {
      // The agent learns its version from the manifest: a release named otherwise would be offered to it for ever.
      throw new IllegalArgumentException("--expect-version " + expected + " but the jar's manifest says " + jar.version());
    }
    return jar;
  }

  private static PrivateKey privateKey(Path keyFile) {
    try {
      return ReleaseSignature.readPrivatePem(Files.readString(keyFile, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage());
    }
  }

  /** The signature in a {@code release sign} file, which must be this very jar's. */
  private static String signatureFor(ReleaseJar jar, Path signatureFile) {
    JsonObject signed;
    try {
      signed = new JsonObject(Files.readString(signatureFile));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage());
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException(signatureFile + " is not a signature file from release sign");
    }
    if (!(signed.getValue("signature") instanceof String signature) || !jar.version().equals(signed.getValue("version"))
        || !Long.valueOf(jar.sizeBytes()).equals(signed.getLong("sizeBytes")) || !jar.sha256().equals(signed.getValue("sha256"))) {
      throw new IllegalArgumentException(signatureFile + " does not sign this jar (" + jar.version() + ", SHA-256 "
          + jar.sha256() + "): sign it again with release sign");
    }
    return signature;
  }

  void rollout(String version, String percentText, String practicesText, boolean all) {
    int given = (percentText != null ? 1 : 0) + (practicesText != null ? 1 : 0) + (all ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException("give exactly one of --percent N, --practices ID,ID and --all");
    }
    int percent = all ? 100 : 0;
    List<String> practices = List.of();
    if (percentText != null) {
      try {
        percent = Integer.parseInt(percentText);
      } catch (NumberFormatException e) {
        percent = -1;
      }
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("--percent must be 0 to 100");
      }
    }
    if (practicesText != null) {
      practices = Arrays.stream(practicesText.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      for (String id : practices) {
        try {
          UUID.fromString(id);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--practices takes practice ids (UUIDs), separated by commas: " + id);
        }
      }
    }
    if (!releases.rollout(version, percent, practices).await()) {
      throw new IllegalArgumentException("no release " + version);
    }
    changes.publish(ChangeStore.RELEASES, "*").await();
    ops.note(AuditRecord.NO_PRACTICE, "release.rollout", null, new JsonObject().put("version", version)
        .put("percent", percent).put("practices", new JsonArray(practices)));
    out.println("release " + version + " offered to " + describe(percent, practices));
  }

  void withdraw(String version) {
    if (!releases.withdraw(version, System.currentTimeMillis()).await()) {
      throw new IllegalArgumentException("no release " + version);
    }
    changes.publish(ChangeStore.RELEASES, "*").await();
    ops.note(AuditRecord.NO_PRACTICE, "release.withdraw", null, new JsonObject().put("version", version));
    out.println("release " + version + " withdrawn: offered to nobody; agents that have it keep it");
  }

  void list() {
    List<Release> all = releases.list().await();
    if (all.isEmpty()) {
      out.println("no releases");
    }
    for (Release r : all) {
      out.printf("%-16s  published %s  %10d bytes  sha256 %s  %s%n", r.version(), Instant.ofEpochMilli(r.publishedAtMs()),
          r.sizeBytes(), r.sha256(), r.withdrawn() ? "withdrawn " + Instant.ofEpochMilli(r.withdrawnAtMs())
              : "offered to " + describe(r.rolloutPercent(), r.rolloutPractices()));
    }
    AgentStateStore.VersionPolicy p = states.policy().await();
    out.println("version policy: minimum " + orNone(p.minimum()) + ", recommended " + orNone(p.recommended()));
    for (AgentStateStore.AgentState s : states.all().await()) {
      if (s.updateState() != null) {
        out.printf("agent of %s  %s %s at %s%s%n", s.practiceId(), s.updateState(), s.updateVersion(),
            Instant.ofEpochMilli(s.updateAtMs()), s.updateReason() == null ? "" : ": " + s.updateReason());
      }
    }
  }

  void policy(String minimum, String recommended) {
    AgentStateStore.VersionPolicy before = states.policy().await();
    if (minimum == null && recommended == null) {
      out.println("version policy: minimum " + orNone(before.minimum()) + ", recommended " + orNone(before.recommended()));
      return;
    }
    String min = minimum == null ? before.minimum() : bound("--minimum", minimum);
    String rec = recommended == null ? before.recommended() : bound("--recommended", recommended);
    if (min != null && rec != null && ReleaseVersion.older(rec, min)) {
      throw new IllegalArgumentException("the recommended version " + rec + " is below the minimum " + min);
    }
    states.setPolicy(min, rec, System.currentTimeMillis()).await();
    changes.publish(ChangeStore.RELEASES, "*").await();
    ops.note(AuditRecord.NO_PRACTICE, "version-policy.set",
        new JsonObject().put("minimum", before.minimum()).put("recommended", before.recommended()),
        new JsonObject().put("minimum", min).put("recommended", rec));
    out.println("version policy: minimum " + orNone(min) + ", recommended " + orNone(rec)
        + " (connected agents below the minimum are disconnected now and refused)");
  }

  void move(String practiceId) {
    AgentStateStore.Moved moved = states.move(practiceId, System.currentTimeMillis()).await()
        .orElseThrow(() -> new IllegalArgumentException("no practice " + practiceId));
    changes.publish(ChangeStore.AGENT_KEY, practiceId).await();
    ops.note(practiceId, "practice.move", null, null);
    out.println("agent key " + moved.agentKey());
    out.println("Install the agent on the new server with this key (README, 'Moving to a new server'). The old server's"
        + " agent is refused from now on, and its log says it can be uninstalled.");
  }

  private static String bound(String option, String value) {
    if (value.equals("none")) {
      return null;
    }
    if (!ReleaseVersion.valid(value)) {
      throw new IllegalArgumentException(option + " must be a version such as 1.4.0, or none");
    }
    return value;
  }

  private static String describe(int percent, List<String> practices) {
    String share = percent >= 100 ? "every practice" : percent + "% of practices";
    return practices.isEmpty() ? share : share + " and " + String.join(", ", practices);
  }

  private static String orNone(String v) {
    return v == null ? "none" : v;
  }
}
