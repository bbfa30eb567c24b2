package com.pmsrelay.cloud.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.keys.SealingKey;
import com.pmsrelay.cloud.keys.SealingKeys;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kept result on disk: encrypted, paged without reading what comes first, refused if altered or cut short. */
class ResultFileTest {
  private static final JsonArray COLUMNS = new JsonArray().add(new JsonObject().put("name", "N").put("type", "INTEGER"))
      .add(new JsonObject().put("name", "Surname").put("type", "VARCHAR"));
  @TempDir Path dir;
  final SealingKey key = SealingKey.of(Secrets.randomBytes(32));
  final SealingKeys keys = SealingKeys.of(key);
  final String queryId = UUID.randomUUID().toString();

  /** 25 rows in segments of 10, 10, 5. */
  private Path write(boolean end) throws Exception {
    Path file = dir.resolve(queryId + ".result");
    try (ResultFile.Writer w = ResultFile.create(file, key, queryId)) {
      w.columns(COLUMNS.toBuffer());
      for (int segment = 0; segment < 3; segment++) {
        Buffer lines = Buffer.buffer();
        int rows = segment < 2 ? 10 : 5;
        for (int i = 0; i < rows; i++) {
          int n = segment * 10 + i;
          lines.appendString("[" + n + ",\"Nguyen-" + n + "\"]\n");
        }
        w.rows(lines, rows);
      }
      if (end) {
        w.end(25, true);
      }
    }
    return file;
  }

  private static List<String> text(ResultFile.Page page) {
    return page.rows().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void pagesComeFromAnyOffsetWithTheColumnsAndTheEnd() throws Exception {
    Path file = write(true);
    try (ResultFile.Reader r = ResultFile.open(file, keys, queryId)) {
      ResultFile.Page page = r.page(8, 5, Long.MAX_VALUE);
      assertThat(new JsonArray(page.columns())).isEqualTo(COLUMNS);
      assertThat(text(page)).containsExactly("[8,\"Nguyen-8\"]", "[9,\"Nguyen-9\"]", "[10,\"Nguyen-10\"]",
          "[11,\"Nguyen-11\"]", "[12,\"Nguyen-12\"]");
      assertThat(page.offset()).isEqualTo(8);
      assertThat(page.nextOffset()).isEqualTo(13L);
      assertThat(page.rowCount()).isEqualTo(25);
      assertThat(page.truncated()).isTrue();
    }
    try (ResultFile.Reader r = ResultFile.open(file, keys, queryId)) {
      ResultFile.Page last = r.page(20, 1000, Long.MAX_VALUE);
      assertThat(last.rows()).hasSize(5);
      assertThat(last.nextOffset()).as("the last page").isNull();
    }
    try (ResultFile.Reader r = ResultFile.open(file, keys, queryId)) {
      ResultFile.Page past = r.page(99, 10, Long.MAX_VALUE);
      assertThat(past.rows()).isEmpty();
      assertThat(past.nextOffset()).isNull();
    }
    try (ResultFile.Reader r = ResultFile.open(file, keys, queryId)) {
      assertThat(r.page(0, 1000, 30).rows()).as("a byte cap stops the page once passed").hasSize(3);
    }
  }

  @Test
  void theFileHoldsNoPlaintextAndOpensWithNoOtherKey() throws Exception {
    Path file = write(true);
    String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("Nguyen").doesNotContain("Surname");
    assertThatThrownBy(() -> ResultFile.open(file, SealingKeys.of(SealingKey.of(Secrets.randomBytes(32))), queryId))
        .isInstanceOf(ResultFile.UnreadableException.class);
    assertThatThrownBy(() -> {
      try (ResultFile.Reader r = ResultFile.open(file, keys, UUID.randomUUID().toString())) {
        r.page(0, 10, Long.MAX_VALUE); // another query's id: its segments do not authenticate
      }
    }).isInstanceOf(ResultFile.UnreadableException.class);
  }

  @Test
  void anAlteredOrUnfinishedFileIsRefused() throws Exception {
    Path file = write(true);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 20);
      int b = f.read();
      f.seek(f.length() - 20);
      f.write(b ^ 1);
    }
    assertThatThrownBy(() -> {
      try (ResultFile.Reader r = ResultFile.open(file, keys, queryId)) {
        r.page(0, 100, Long.MAX_VALUE);
      }
    }).isInstanceOf(ResultFile.UnreadableException.class);

    Path unfinished = write(false);
    assertThatThrownBy(() -> {
      try (ResultFile.Reader r = ResultFile.open(unfinished, keys, queryId)) {
        r.page(0, 100, Long.MAX_VALUE);
      }
    }).isInstanceOf(ResultFile.UnreadableException.class).hasMessageContaining("end");
  }

  @Test
  void sealedTextOpensOnlyWithItsKeyAndContext() throws Exception {
    String sealed = key.sealText("q1", "SELECT * FROM Patients WHERE Surname = 'Nguyen'");
    assertThat(sealed).doesNotContain("Nguyen");
    assertThat(key.openText("q1", sealed)).endsWith("'Nguyen'");
    assertThatThrownBy(() -> key.openText("q2", sealed)).isInstanceOf(java.security.GeneralSecurityException.class);
    assertThatThrownBy(() -> SealingKey.of(Secrets.randomBytes(32)).openText("q1", sealed))
        .isInstanceOf(java.security.GeneralSecurityException.class);
  }
}
