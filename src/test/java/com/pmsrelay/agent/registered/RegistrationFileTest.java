package com.pmsrelay.agent.registered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.common.protocol.Registration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent's sealed registrations file: what is written is read back whole; a file changed by a
 * single bit, or written under another agent key, is refused; and a runner that finds such a file
 * says so in one clear line (without the file's content) and starts with an empty set.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistrationFileTest {
  private static final String KEY = "pmsa_" + "k".repeat(40);
  private static final String SECRET_PARAM = "Surname-Nguyen-55";

  @TempDir Path dir;

  private static Registration registration(String hash) {
    return new Registration(UUID.randomUUID().toString(), "practice-1", "client-1",
        "SELECT AppointmentId FROM dbo.Appointments WHERE Surname = ?", new JsonArray().add(SECRET_PARAM), "DemoPMS",
        300, 1_900_000_000_000L, hash, 30_000, 10_000, 8 << 20, 2, new JsonArray().add("dbo.Appointments"));
  }

  @Test
  void whatIsWrittenIsReadBackWhole() throws Exception {
    RegistrationFile file = new RegistrationFile(dir, KEY);
    assertThat(file.read()).as("no file yet").isEmpty();
    List<Registration> written = List.of(registration(null), registration("ab".repeat(32)));
    file.write(written);
    assertThat(new RegistrationFile(dir, KEY).read()).isEqualTo(written);
    byte[] raw = Files.readAllBytes(dir.resolve(RegistrationFile.NAME));
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).as("sealed: neither SQL nor values in clear")
        .doesNotContain(SECRET_PARAM).doesNotContain("Appointments");
    file.write(List.of());
    assertThat(file.read()).isEmpty();
    assertThat(Files.exists(dir.resolve(RegistrationFile.NAME + ".tmp"))).as("no temporary file left").isFalse();
  }

  @Test
  void aTamperedFileOrAnotherAgentKeyIsRefused() throws Exception {
    new RegistrationFile(dir, KEY).write(List.of(registration(null)));
    assertThatThrownBy(() -> new RegistrationFile(dir, KEY + "x").read()).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be opened");

    Path path = dir.resolve(RegistrationFile.NAME);
    byte[] raw = Files.readAllBytes(path);
    for (int at : new int[] {0, 5, 20, raw.length - 1}) { // magic, nonce, sealed text, tag
      byte[] tampered = raw.clone();
      tampered[at] ^= 0x01;
      Files.write(path, tampered);
      assertThatThrownBy(() -> new RegistrationFile(dir, KEY).read()).as("bit flipped at " + at)
          .isInstanceOf(IOException.class).hasMessageContaining("cannot be opened");
    }
    Files.write(path, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> new RegistrationFile(dir, KEY).read()).isInstanceOf(IOException.class);
  }

  @Test
  void aRunnerStartsEmptyOnATamperedFileAndSaysSo() throws Exception {
    new RegistrationFile(dir, KEY).write(List.of(registration(null)));
    Path path = dir.resolve(RegistrationFile.NAME);
    byte[] raw = Files.readAllBytes(path);
    raw[raw.length / 2] ^= 0x40;
    Files.write(path, raw);

    Logger logger = (Logger) LoggerFactory.getLogger(RegisteredRunner.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    Vertx vertx = Vertx.vertx();
    try {
      RegisteredRunner.Link offline = new RegisteredRunner.Link() {
        @Override
        public boolean isReady() {
          return false;
        }

        @Override
        public void sendNote(io.vertx.core.json.JsonObject note) {
        }

        @Override
        public int maxMessageBytes() {
          return 1 << 20;
        }
      };
      RegisteredRunner runner = new RegisteredRunner(vertx, null, new RegisteredRunner.Settings(dir, 1, 8 << 20, 64 << 20), KEY,
          offline);
      runner.start().await();
      assertThat(runner.registrations()).as("nothing resumed from a file that does not open").isEmpty();
      runner.stop();
    } finally {
      logger.detachAppender(log);
      vertx.close().await();
    }
    List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).contains(path.toString())
        .contains("ignored until the cloud sends them again").contains("cannot be opened"));
    assertThat(String.join("\n", lines)).doesNotContain(SECRET_PARAM).doesNotContain("SELECT");
  }
}
