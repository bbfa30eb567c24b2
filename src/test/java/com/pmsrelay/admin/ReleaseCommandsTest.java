package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.release.ReleaseJar;
import com.pmsrelay.common.release.ReleaseSignature;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's release commands through AdminCommands.run against a real (embedded) store:
 * {@code release keygen|publish|rollout|withdraw|list}, {@code version-policy} and
 * {@code practice move}: what they print, their exit status, what they store, and bad input
 * refused with a plain line naming what is wrong (exit 2, never a stack trace).
 */
class ReleaseCommandsTest {
  @TempDir Path dir;

  private record Result(int status, String out, String err) {
    /** The refusal's line: the first of standard error (the usage follows it). */
    String refusal() {
      return err.lines().findFirst().orElse("");
    }
  }

  private Result admin(String... args) {
    Path config = dir.resolve("cloud.json");
    try {
      if (!Files.exists(config)) {
        Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("data").toString()).encode());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    Result r = new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    assertThat(r.out() + r.err()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
    return r;
  }

  /** Refused as bad input: exit 2, and the first line of standard error says why. */
  private void refused(Result r, String line) {
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.refusal()).isEqualTo("pms-relay admin: " + line);
  }

  /** Refused by the command line's parser: exit 2, its message first, then the command's usage. */
  private void usage(Result r, String line) {
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.refusal()).isEqualTo(line);
    assertThat(r.err()).contains("Usage: pms-relay admin ");
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  private static List<com.pmsrelay.cloud.store.AuditRecord> audit(Database db, String chain) {
    return new com.pmsrelay.cloud.store.AuditStore(db).list(new com.pmsrelay.cloud.store.AuditStore.Query(chain, null, null,
        null, null, null, null, 100)).await();
  }

  private <T> T withStore(java.util.function.Function<Database, T> work) {
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of()));
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, cloud.store());
    try {
      return work.apply(db);
    } finally {
      db.close().await();
      vertx.close().await();
    }
  }

  /** A small jar whose manifest names {@code version} (null: none), as the build writes Implementation-Version. */
  private Path jar(String name, String version) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (version != null) {
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    }
    Path jar = dir.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("com/pmsrelay/Version.txt"));
      byte[] filler = new byte[300 * 1024]; // more than one 256 KiB chunk
      new java.util.Random(7).nextBytes(filler);
      out.write(filler);
      out.closeEntry();
    }
    return jar;
  }

  private String keygen(String name) {
    Result r = admin("release", "keygen", "--out", dir.resolve(name).toString());
    assertThat(r.status()).as(r.err()).isZero();
    return find(r.out(), "release public key (\\S+)");
  }

  @Test
  void keygenWritesAnOwnerOnlyKeyPrintsThePublicHalfAndNeverOverwrites() throws Exception {
    String publicKey = keygen("release-key.pem");
    Path key = dir.resolve("release-key.pem");
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(publicKey).hasSize(60);
    // The halves belong together: what the private half signs, the printed public half verifies.
    String signature = ReleaseSignature.sign(ReleaseSignature.readPrivatePem(Files.readString(key)), "1.0.0", 10, "ab");
    assertThat(ReleaseSignature.verify(ReleaseSignature.readPublic(publicKey), "1.0.0", 10, "ab", signature)).isTrue();
    assertThat(Files.exists(dir.resolve("data"))).as("keygen needs no store").isFalse();

    String before = Files.readString(key);
    refused(admin("release", "keygen", "--out", key.toString()), key + " exists: a release key is never overwritten");
    assertThat(Files.readString(key)).isEqualTo(before);
    usage(admin("release", "keygen"), "Missing required option: '--out=FILE'");
  }

  @Test
  void publishSignsAndStoresTheJarAndRefusesAWrongKeyOrABrokenJar() throws Exception {
    String publicKey = keygen("release-key.pem");
    String signingKey = dir.resolve("release-key.pem").toString();
    Path jar = jar("pms-relay.jar", "90.1.0");
    ReleaseJar read = ReleaseJar.read(jar);

    Result published = admin("release", "publish", jar.toString(), "--signing-key", signingKey);
    assertThat(published.status()).as(published.err()).isZero();
    assertThat(published.out()).contains("release 90.1.0 published: " + Files.size(jar) + " bytes, SHA-256 " + read.sha256())
        .contains("Offered to nobody yet: release rollout 90.1.0 --percent 10");
    assertThat(published.out()).doesNotContain(Files.readString(dir.resolve("release-key.pem")).lines().skip(1).findFirst().orElseThrow());
    Release stored = withStore(db -> new ReleaseStore(db).find("90.1.0").await().orElseThrow());
    assertThat(stored.sizeBytes()).isEqualTo(Files.size(jar));
    assertThat(stored.sha256()).isEqualTo(read.sha256());
    assertThat(stored.rolloutPercent()).isZero();
    assertThat(stored.rolloutPractices()).isEmpty();
    assertThat(ReleaseSignature.verify(ReleaseSignature.readPublic(publicKey), "90.1.0", stored.sizeBytes(), stored.sha256(),
        stored.signature())).as("the agents' pinned key verifies the stored signature").isTrue();
    byte[] whole = withStore(db -> {
      ReleaseStore releases = new ReleaseStore(db);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int seq = 0; seq < 2; seq++) {
        bytes.writeBytes(releases.chunk("90.1.0", seq).await().orElseThrow().getBytes());
      }
      assertThat(releases.chunk("90.1.0", 2).await()).isEmpty();
      return bytes.toByteArray();
    });
    assertThat(whole).isEqualTo(Files.readAllBytes(jar));

    refused(admin("release", "publish", jar.toString(), "--signing-key", signingKey),
        "release 90.1.0 was published before; a version names one jar");

    // A wrong key: the bridge's TLS key (RSA), or the public half, instead of the release key.
    Path rsa = dir.resolve("tls-key.pem");
    KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
    rsaKeys.initialize(2048);
    Files.writeString(rsa, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(rsaKeys.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Path other = jar("other.jar", "90.2.0");
    refused(admin("release", "publish", other.toString(), "--signing-key", rsa.toString()),
        "the signing key is not an Ed25519 private key in PKCS#8 PEM form");
    Path publicOnly = dir.resolve("public.txt");
    Files.writeString(publicOnly, publicKey);
    refused(admin("release", "publish", other.toString(), "--signing-key", publicOnly.toString()),
        "the signing key is not an Ed25519 private key in PKCS#8 PEM form");

    // A broken or tampered jar: cut short, not a jar at all, without a version, or named otherwise.
    Path cut = dir.resolve("cut.jar");
    byte[] bytes = Files.readAllBytes(other);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    refused(admin("release", "publish", cut.toString(), "--signing-key", signingKey), cut + " is not a jar");
    Path text = dir.resolve("notes.jar");
    Files.writeString(text, "hello");
    refused(admin("release", "publish", text.toString(), "--signing-key", signingKey), text + " is not a jar");
    Path unversioned = jar("unversioned.jar", null);
    refused(admin("release", "publish", unversioned.toString(), "--signing-key", signingKey), unversioned
        + " has no release version in its manifest (Implementation-Version: null); agents would not know they run it");
    refused(admin("release", "publish", other.toString(), "--signing-key", signingKey, "--expect-version", "90.3.0"),
        "--expect-version 90.3.0 but the jar's manifest says 90.2.0");
    usage(admin("release", "publish", other.toString()),
        "Error: Missing required argument (specify one of these): (--signature=FILE | --signing-key=FILE)");
    usage(admin("release", "publish", "--signing-key", signingKey), "Missing required parameter: '<jar>'");
    Result missingFile = admin("release", "publish", dir.resolve("nowhere.jar").toString(), "--signing-key", signingKey);
    assertThat(missingFile.status()).isEqualTo(2);
    assertThat(missingFile.refusal()).startsWith("pms-relay admin: cannot read ").contains("nowhere.jar");

    // Signed where the key is kept, published with the signature file only: the key never reaches the cloud.
    Path signature = dir.resolve("other.jar.sig");
    Result signedHere = admin("release", "sign", other.toString(), "--signing-key", signingKey);
    assertThat(signedHere.status()).as(signedHere.err()).isZero();
    assertThat(signedHere.out()).contains("release 90.2.0 signed: " + signature);
    assertThat(Files.readString(signature)).doesNotContain(Files.readString(dir.resolve("release-key.pem")).lines().skip(1)
        .findFirst().orElseThrow());
    refused(admin("release", "publish", jar("third.jar", "90.3.0").toString(), "--signature", signature.toString()),
        signature + " does not sign this jar (90.3.0, SHA-256 " + ReleaseJar.read(dir.resolve("third.jar")).sha256()
            + "): sign it again with release sign");
    usage(admin("release", "publish", other.toString(), "--signature", signature.toString(), "--signing-key", signingKey),
        "Error: --signature=FILE, --signing-key=FILE are mutually exclusive (specify only one)");
    Result fromFile = admin("release", "publish", other.toString(), "--signature", signature.toString());
    assertThat(fromFile.status()).as(fromFile.err()).isZero();
    Release second = withStore(db -> new ReleaseStore(db).find("90.2.0").await().orElseThrow());
    assertThat(ReleaseSignature.verify(ReleaseSignature.readPublic(publicKey), "90.2.0", second.sizeBytes(), second.sha256(),
        second.signature())).as("the agents' pinned key verifies a signature made with release sign").isTrue();

    List<Release> all = withStore(db -> new ReleaseStore(db).list().await());
    assertThat(all).extracting(Release::version).containsExactlyInAnyOrder("90.1.0", "90.2.0");
  }

  @Test
  void rolloutWithdrawAndListShowWhoIsOfferedWhatAndWhatAgentsReported() throws Exception {
    keygen("release-key.pem");
    String signingKey = dir.resolve("release-key.pem").toString();
    assertThat(admin("release", "list").out()).startsWith("no releases").contains("version policy: minimum none, recommended none");
    assertThat(admin("release", "publish", jar("a.jar", "90.1.0").toString(), "--signing-key", signingKey).status()).isZero();
    String practice = find(admin("practice", "create", "Seaview Clinic").out(), "practice\\s+([0-9a-f-]{36})");

    Result ten = admin("release", "rollout", "90.1.0", "--percent", "10");
    assertThat(ten.status()).as(ten.err()).isZero();
    assertThat(ten.out()).isEqualTo("release 90.1.0 offered to 10% of practices\n");
    Result listed = admin("release", "rollout", "90.1.0", "--practices", practice);
    assertThat(listed.out()).isEqualTo("release 90.1.0 offered to 0% of practices and " + practice + "\n");
    Release stored = withStore(db -> new ReleaseStore(db).find("90.1.0").await().orElseThrow());
    assertThat(stored.offeredTo(practice)).isTrue();
    assertThat(admin("release", "rollout", "90.1.0", "--all").out()).isEqualTo("release 90.1.0 offered to every practice\n");

    usage(admin("release", "rollout", "90.1.0"),
        "Error: Missing required argument (specify one of these): (--percent=N | --practices=ID,ID | --all)");
    usage(admin("release", "rollout", "90.1.0", "--percent", "10", "--all"),
        "Error: --percent=N, --all are mutually exclusive (specify only one)");
    refused(admin("release", "rollout", "90.1.0", "--percent", "101"), "--percent must be 0 to 100");
    usage(admin("release", "rollout", "90.1.0", "--percent", "ten"), "Invalid value for option '--percent': 'ten' is not an int");
    refused(admin("release", "rollout", "90.1.0", "--practices", "seaview"),
        "--practices takes practice ids (UUIDs), separated by commas: seaview");
    refused(admin("release", "rollout", "9.9.9", "--all"), "no release 9.9.9");
    usage(admin("release", "rollout", "--all"), "Missing required parameter: '<version>'");

    withStore(db -> new AgentStateStore(db).updateReported(practice, "90.1.0", "refused",
        "its signature does not match the pinned release key", 1_000).await());
    Result list = admin("release", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).containsPattern("90\\.1\\.0\\s+published \\S+\\s+\\d+ bytes\\s+sha256 [0-9a-f]{64}\\s+offered to every"
        + " practice\n") // --all replaced the list given before
        .contains("version policy: minimum none, recommended none")
        .contains("agent of " + practice + "  refused 90.1.0 at 1970-01-01T00:00:01Z: its signature does not match the pinned"
            + " release key");

    Result withdrawn = admin("release", "withdraw", "90.1.0");
    assertThat(withdrawn.out()).isEqualTo("release 90.1.0 withdrawn: offered to nobody; agents that have it keep it\n");
    assertThat(admin("release", "list").out()).containsPattern("90\\.1\\.0 .* withdrawn \\d{4}-").doesNotContain("offered to every");
    assertThat(withStore(db -> new ReleaseStore(db).find("90.1.0").await().orElseThrow()).offeredTo(practice)).isFalse();
    refused(admin("release", "withdraw", "9.9.9"), "no release 9.9.9");

    List<String> actions = withStore(db -> audit(db, com.pmsrelay.cloud.store.AuditRecord.NO_PRACTICE)).stream()
        .map(com.pmsrelay.cloud.store.AuditRecord::action).toList();
    assertThat(actions).contains("release.publish", "release.rollout", "release.withdraw");
  }

  @Test
  void versionPolicyIsPrintedSetClearedAndCheckedAndPracticeMoveRetiresTheKey() throws Exception {
    assertThat(admin("version-policy").out()).isEqualTo("version policy: minimum none, recommended none\n");
    Result set = admin("version-policy", "--minimum", "1.2.0", "--recommended", "1.4.0");
    assertThat(set.status()).as(set.err()).isZero();
    assertThat(set.out()).startsWith("version policy: minimum 1.2.0, recommended 1.4.0");
    assertThat(admin("version-policy").out()).isEqualTo("version policy: minimum 1.2.0, recommended 1.4.0\n");
    refused(admin("version-policy", "--recommended", "1.0.0"), "the recommended version 1.0.0 is below the minimum 1.2.0");
    refused(admin("version-policy", "--minimum", "newest"), "--minimum must be a version such as 1.4.0, or none");
    refused(admin("version-policy", "--recommended", "1.4.x"), "--recommended must be a version such as 1.4.0, or none");
    assertThat(admin("version-policy", "--minimum", "none").out()).startsWith("version policy: minimum none, recommended 1.4.0");
    AgentStateStore.VersionPolicy policy = withStore(db -> new AgentStateStore(db).policy().await());
    assertThat(policy.minimum()).isNull();
    assertThat(policy.recommended()).isEqualTo("1.4.0");

    Result created = admin("practice", "create", "Harbour Medical");
    String practice = find(created.out(), "practice\\s+([0-9a-f-]{36})");
    String oldKey = find(created.out(), "agent key (pmsa_\\S+)");
    com.pmsrelay.logs.TestSecrets.record("agent key", oldKey);
    Result moved = admin("practice", "move", practice);
    assertThat(moved.status()).as(moved.err()).isZero();
    String newKey = find(moved.out(), "agent key (pmsa_\\S+)");
    com.pmsrelay.logs.TestSecrets.record("agent key", newKey);
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(moved.out()).contains("Install the agent on the new server with this key")
        .contains("The old server's agent is refused from now on, and its log says it can be uninstalled.");
    withStore(db -> {
      AgentStateStore states = new AgentStateStore(db);
      assertThat(states.movedAway(practice, oldKey).await()).as("the old key is retired by the move").isPresent();
      assertThat(states.movedAway(practice, newKey).await()).isEmpty();
      List<String> actions = audit(db, practice).stream()
          .map(com.pmsrelay.cloud.store.AuditRecord::action).toList();
      assertThat(actions).contains("practice.move");
      return null;
    });
    refused(admin("practice", "move", "00000000-0000-0000-0000-000000000000"), "no practice 00000000-0000-0000-0000-000000000000");
    usage(admin("practice", "move"), "Missing required parameter: '<practiceId>'");
  }
}
