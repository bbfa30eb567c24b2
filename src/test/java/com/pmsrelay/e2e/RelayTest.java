package com.pmsrelay.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the end-to-end test classes that share one demo system per class. */
abstract class RelayTest {
  @TempDir static Path dir;
  static RelayFixture relay;

  @BeforeAll
  static void startRelay() throws Exception {
    relay = RelayFixture.start(dir);
  }

  @AfterAll
  static void stopRelay() {
    relay.close();
  }
}
