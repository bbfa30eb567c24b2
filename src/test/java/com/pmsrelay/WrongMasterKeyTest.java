package com.pmsrelay;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.admin.AdminCommands;
import com.pmsrelay.cloud.keys.MasterKey;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A cloud node started with a master key other than the one its store's signing keys were sealed
 * under refuses to start, with one line naming the fix and no stack trace, on its error stream or
 * in its log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WrongMasterKeyTest {
  @TempDir Path dir;

  private Path config(String masterKey) throws Exception {
    Path file = dir.resolve("cloud.json");
    Files.writeString(file, new JsonObject().put("dataDir", dir.resolve("data").toString())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("tls", new JsonObject().put("behindProxy", true)))
        .put("management", new JsonObject().put("port", 0))
        .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("keys", new JsonObject().put("master", masterKey)).encode());
    return file;
  }

  @Test
  void aNodeWithTheWrongMasterKeyRefusesWithOneClearLine() throws Exception {
    Path right = config(MasterKey.generate());
    ByteArrayOutputStream ignored = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(ignored, true, StandardCharsets.UTF_8);
    // the store's first signing key, sealed under the right key (an operator's rotation writes one)
    assertThat(AdminCommands.run(List.of("--config", right.toString(), "jwt", "rotate"), quiet, quiet)).isZero();

    Path wrong = config(MasterKey.generate());
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      status = Main.run(new String[] {"cloud", "--config", wrong.toString()}, quiet,
          new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      root.detachAppender(log);
    }

    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as(said).isEqualTo(2);
    assertThat(said.lines()).singleElement().satisfies(line -> assertThat(line)
        .contains("sealed under another master key").contains("PMSRELAY_KEYS_MASTER").contains("PMSRELAY_KEYS_PREVIOUS")
        .doesNotContain("Exception"));
    assertThat(log.list).allSatisfy(event -> assertThat(event.getThrowableProxy()).as(event.getFormattedMessage()).isNull());
  }
}
