package com.pmsrelay.admin;

import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.cloud.store.Stores;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The operator's release commands: {@code release keygen|publish|rollout|list|withdraw},
 * {@code version-policy} and {@code practice move}. The release key's private half stays where
 * keygen wrote it: publish reads it to sign, and only the signature reaches the store.
 */
final class ReleaseCommands {
  static final String USAGE = String.join("\n",
      "  release keygen --out FILE              new Ed25519 release key: the private key to FILE (owner-only), the",
      "                                         public key printed for agents' update.releasePublicKey (needs no store)",
      "  release publish <jar> --signing-key FILE [--version V]",
      "                                         signs and stores an agent jar (its version from the manifest; --version",
      "                                         checks it), offered to nobody until rolled out",
      "  release rollout <version> --percent N | --practices ID,ID | --all",
      "                                         offers it to N% of practices (a stable share), to those listed, or all",
      "  release withdraw <version>             offers it to nobody any more (agents that have it keep it)",
      "  release list                           releases, their roll-out, and each agent's last update report",
      "  version-policy [--minimum V|none] [--recommended V|none]",
      "                                         agents below the minimum are refused, below recommended warned",
      "  practice move <practiceId>             the practice moves to a new server: new agent key (printed once); the",
      "                                         old server's agent is refused and told why");

  /** The audit log as AdminCommands writes it. */
  interface Audit {
    void note(String chain, String action, JsonObject before, JsonObject after);
  }

  private final PrintStream out;
  private final ReleaseStore releases;
  private final AgentStateStore states;
  private final ChangeStore changes;
  private final Audit audit;

  ReleaseCommands(PrintStream out, Stores stores, Audit audit) {
    this.out = out;
    this.releases = stores.releases();
    this.states = stores.agentStates();
    this.changes = stores.changes();
    this.audit = audit;
  }

  /** True for the one command that needs no store (the operator may run it on a machine without one). */
  static boolean isKeygen(List<String> w) {
    return w.size() > 1 && w.get(0).equals("release") && w.get(1).equals("keygen");
  }

  /** {@code release keygen --out FILE}: refuses to overwrite a key. */
  static void keygen(PrintStream out, Path file) throws IOException {
    KeyPair pair = ReleaseSignature.generate();
    byte[] pem = ReleaseSignature.privatePem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // Windows: the folder's ACL applies; say so
      out.println("(this file system has no POSIX permissions: restrict " + file + " to yourself)");
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " exists: a release key is never overwritten");
    }
    Files.write(file, pem);
    out.println("release private key written to " + file + " (owner-only). Keep it offline; it never goes to the cloud.");
    out.println("release public key " + ReleaseSignature.publicText(pair.getPublic()));
    out.println("Agents trust releases signed with it when their agent.json has it as update.releasePublicKey.");
  }

  boolean dispatch(List<String> w) {
    String command = w.get(0) + (w.size() > 1 ? " " + w.get(1) : "");
    switch (w.get(0).equals("version-policy") ? "version-policy" : command) {
      case "release publish" -> publish(arg(w, 2, "jar"), required(w, "--signing-key"), option(w, "--version"));
      case "release rollout" -> rollout(arg(w, 2, "version"), option(w, "--percent"), option(w, "--practices"), w.contains("--all"));
      case "release withdraw" -> withdraw(arg(w, 2, "version"));
      case "release list" -> list();
      case "version-policy" -> policy(option(w, "--minimum"), option(w, "--recommended"));
      case "practice move" -> move(arg(w, 2, "practiceId"));
      default -> {
        return false;
      }
    }
    return true;
  }

  private void publish(String jarPath, String keyFile, String version) {
    ReleaseJar jar;
    PrivateKey key;
    List<Buffer> chunks = new ArrayList<>();
    try {
      jar = ReleaseJar.read(Path.of(jarPath));
      key = ReleaseSignature.readPrivatePem(Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII));
      try (InputStream in = Files.newInputStream(jar.path())) {
        for (byte[] chunk; (chunk = in.readNBytes(Releases.CHUNK_BYTES)).length > 0; ) {
          chunks.add(Buffer.buffer(chunk));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage());
    }
    if (!ReleaseVersion.valid(jar.version())) {
      throw new IllegalArgumentException(jarPath + " has no release version in its manifest (Implementation-Version: "
          + jar.version() + "); agents would not know they run it");
    }
    if (version != null && !version.equals(jar.version())) {
      // The agent learns its version from the manifest: a release named otherwise would be offered to it for ever.
      throw new IllegalArgumentException("--version " + version + " but the jar's manifest says " + jar.version());
    }
    String signature = ReleaseSignature.sign(key, jar.version(), jar.sizeBytes(), jar.sha256());
    Release release = new Release(jar.version(), jar.sizeBytes(), jar.sha256(), signature, System.currentTimeMillis(), 0,
        List.of(), null);
    if (!releases.publish(release, chunks).await()) {
      throw new IllegalArgumentException("release " + jar.version() + " was published before; a version names one jar");
    }
    audit.note(AuditRecord.NO_PRACTICE, "release.publish", null, new JsonObject().put("version", jar.version())
        .put("sizeBytes", jar.sizeBytes()).put("sha256", jar.sha256()));
    out.println("release " + jar.version() + " published: " + jar.sizeBytes() + " bytes, SHA-256 " + jar.sha256());
    out.println("Offered to nobody yet: release rollout " + jar.version() + " --percent 10 (or --practices ID,ID, or --all).");
  }

  private void rollout(String version, String percentText, String practicesText, boolean all) {
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
    audit.note(AuditRecord.NO_PRACTICE, "release.rollout", null, new JsonObject().put("version", version)
        .put("percent", percent).put("practices", new JsonArray(practices)));
    out.println("release " + version + " offered to " + describe(percent, practices));
  }

  private void withdraw(String version) {
    if (!releases.withdraw(version, System.currentTimeMillis()).await()) {
      throw new IllegalArgumentException("no release " + version);
    }
    changes.publish(ChangeStore.RELEASES, "*").await();
    audit.note(AuditRecord.NO_PRACTICE, "release.withdraw", null, new JsonObject().put("version", version));
    out.println("release " + version + " withdrawn: offered to nobody; agents that have it keep it");
  }

  private void list() {
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

  private void policy(String minimum, String recommended) {
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
    audit.note(AuditRecord.NO_PRACTICE, "version-policy.set",
        new JsonObject().put("minimum", before.minimum()).put("recommended", before.recommended()),
        new JsonObject().put("minimum", min).put("recommended", rec));
    out.println("version policy: minimum " + orNone(min) + ", recommended " + orNone(rec)
        + " (connected agents below the minimum are disconnected now and refused)");
  }

  private void move(String practiceId) {
    AgentStateStore.Moved moved = states.move(practiceId, System.currentTimeMillis()).await()
        .orElseThrow(() -> new IllegalArgumentException("no practice " + practiceId));
    changes.publish(ChangeStore.AGENT_KEY, practiceId).await();
    audit.note(practiceId, "practice.move", null, null);
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

  private static String arg(List<String> w, int index, String name) {
    if (index >= w.size() || w.get(index).startsWith("--")) {
      throw new IllegalArgumentException("missing <" + name + ">");
    }
    return w.get(index);
  }

  private static String required(List<String> w, String name) {
    String value = option(w, name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  private static String option(List<String> w, String name) {
    int i = w.indexOf(name);
    return i >= 0 && i + 1 < w.size() ? w.get(i + 1) : null;
  }
}
