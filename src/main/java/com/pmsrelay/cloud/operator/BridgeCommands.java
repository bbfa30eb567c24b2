package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.common.crypto.Fingerprints;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code admin bridge …}: the agent bridge's TLS certificate. */
@Command(name = "bridge", description = "The agent bridge's TLS certificate.", subcommands = BridgeCommands.Fingerprint.class)
final class BridgeCommands {
  @Command(name = "fingerprint", description = "Prints the SHA-256 fingerprint of the bridge's certificate, which agents pin "
      + "(cloud.tls.pinnedSha256 in agent.json). Reads bridge.tls.certPath, or the certificate the cloud generated under "
      + "dataDir/tls at its first start; starts nothing, needs no running cloud.")
  static final class Fingerprint implements LocalCommand {
    @Override
    public int run(CloudFiles files, PrintStream out) throws IOException {
      Path cert = TlsMaterial.certificatePath(files.bridge(), files.dataDir());
      if (!Files.isReadable(cert)) {
        throw new IllegalArgumentException("no bridge certificate at " + cert + (files.bridge().certPath() == null
            ? ": start the cloud once (it generates one there), or set bridge.tls.certPath and keyPath"
            : ": bridge.tls.certPath names a file that cannot be read"));
      }
      out.println(Fingerprints.sha256OfPem(Files.readAllBytes(cert)));
      return 0;
    }
  }
}
