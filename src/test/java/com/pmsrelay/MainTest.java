package com.pmsrelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloud mode's refusals at start-up: before anything listens, one line naming the keys, exit status 2. */
class MainTest {
  @TempDir Path dir;

  @Test
  void theCloudModeRefusesToStartWithoutTlsOrTheProxySwitch() throws Exception {
    Path config = dir.resolve("cloud.json");
    Files.writeString(config, "{\"dataDir\": \"" + dir.resolve("data") + "\"}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new String[] {"cloud", "--config", config.toString()}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(2);
    assertThat(said.lines()).hasSize(1);
    assertThat(said).contains("http.tls.certPath").contains("http.tls.keyPath").contains("http.tls.behindProxy");
    assertThat(dir.resolve("data")).as("nothing started").doesNotExist();
  }

  @Test
  void aCertificateThatCannotBeReadIsNamed() throws Exception {
    Path config = dir.resolve("cloud.json");
    Files.writeString(config, "{\"dataDir\": \"" + dir.resolve("data") + "\", \"http\": {\"tls\": {\"certPath\": \""
        + dir.resolve("missing.pem") + "\", \"keyPath\": \"" + dir.resolve("missing-key.pem") + "\"}}}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new String[] {"cloud", "--config", config.toString()}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("http.tls.certPath").contains("missing.pem");
  }
}
