package com.pmsrelay.cloud.operator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin release …}, {@code admin version-policy} and {@code admin practice move}: agent
 * releases (README, "Agent updates"), what agents must run, and a practice's move to a new server.
 */
@Command(name = "release", description = "Agent releases: signed with your release key, offered to agents in stages.",
    subcommands = {ReleaseCommands.Keygen.class, ReleaseCommands.Sign.class, ReleaseCommands.Publish.class, ReleaseCommands.Rollout.class,
        ReleaseCommands.Withdraw.class, ReleaseCommands.ListReleases.class})
final class ReleaseCommands {
  @Command(name = "keygen", description = {"New Ed25519 release key: the private key to FILE (owner-only; never "
      + "overwritten), the public key printed for agents' update.releasePublicKey. Needs no store and no cloud: run it "
      + "where the key is to be kept."})
  static final class Keygen implements LocalCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where the private key goes") Path out;

    @Override
    public int run(CloudFiles files, PrintStream print) throws IOException {
      ReleaseOperations.keygen(print, out);
      return 0;
    }
  }

  @Command(name = "sign", description = {"Signs an agent jar with the release key, here, to a file (default "
      + "<jar>.sig) that publish --signature stores: the private key never needs to be where the cloud runs. Needs no "
      + "store and no cloud."})
  static final class Sign implements LocalCommand {
    @Parameters(paramLabel = "<jar>") Path jar;
    @Option(names = "--signing-key", required = true, paramLabel = "FILE", description = "the private key from release keygen")
    Path key;
    @Option(names = "--out", paramLabel = "FILE", description = "the signature file (default: <jar>.sig)") Path out;

    @Override
    public int run(CloudFiles files, PrintStream print) {
      ReleaseOperations.sign(print, jar, key, out != null ? out : Path.of(jar + ".sig"));
      return 0;
    }
  }

  @Command(name = "publish", description = {"Stores a signed agent jar, offered to nobody until rolled out. Its version "
      + "is the jar manifest's Implementation-Version (--expect-version checks it). Signed with --signature, a file from "
      + "release sign (made wherever the key is kept), or now with --signing-key. Files are read where the command runs "
      + "(with a running cloud: by the cloud's process on this machine); only the signature is stored."})
  static final class Publish implements OperatorCommand {
    @Parameters(paramLabel = "<jar>") String jar;
    @ArgGroup(exclusive = true, multiplicity = "1") Signed signed;
    @Option(names = "--expect-version", paramLabel = "V", description = "the version the jar must have (its manifest's)")
    String version;

    static final class Signed {
      @Option(names = "--signature", paramLabel = "FILE", description = "the jar's signature from release sign")
      String signature;
      @Option(names = "--signing-key", paramLabel = "FILE", description = "the private key from release keygen")
      String key;
    }

    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).publish(jar, signed.key, signed.signature, version);
      return 0;
    }
  }

  @Command(name = "rollout", description = "Offers a release to N% of practices (a stable share: raising N keeps those "
      + "already offered), to the practices listed, or to all.")
  static final class Rollout implements OperatorCommand {
    @Parameters(paramLabel = "<version>") String version;
    @ArgGroup(exclusive = true, multiplicity = "1") Whom whom;

    static final class Whom {
      @Option(names = "--percent", paramLabel = "N", description = "0 to 100") Integer percent;
      @Option(names = "--practices", paramLabel = "ID,ID", description = "practice ids, comma separated") String practices;
      @Option(names = "--all", description = "every practice") boolean all;
    }

    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).rollout(version, whom.percent == null ? null : String.valueOf(whom.percent),
          whom.practices, whom.all);
      return 0;
    }
  }

  @Command(name = "withdraw", description = "Offers a release to nobody any more (agents that have it keep it).")
  static final class Withdraw implements OperatorCommand {
    @Parameters(paramLabel = "<version>") String version;

    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).withdraw(version);
      return 0;
    }
  }

  @Command(name = "list", description = "Releases, their roll-out, the version policy, and each agent's last update report.")
  static final class ListReleases implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).list();
      return 0;
    }
  }

  @Command(name = "version-policy", description = {"Without options: the policy now. Agents below the minimum are "
      + "refused at connect (and disconnected now), below the recommended version warned; the console shows both."})
  static final class VersionPolicy implements OperatorCommand {
    @Option(names = "--minimum", paramLabel = "V|none") String minimum;
    @Option(names = "--recommended", paramLabel = "V|none") String recommended;

    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).policy(minimum, recommended);
      return 0;
    }
  }

  @Command(name = "move", description = {"The practice moves to a new server: a new agent key (printed once) for the "
      + "agent there; the old server's agent is refused, and its log says it can be uninstalled."})
  static final class PracticeMove implements OperatorCommand {
    @Parameters(paramLabel = "<practiceId>") String practiceId;

    @Override
    public int run(Operations ops) {
      new ReleaseOperations(ops).move(practiceId);
      return 0;
    }
  }
}
