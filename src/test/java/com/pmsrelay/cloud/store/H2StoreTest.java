package com.pmsrelay.cloud.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file database, as {@code store.url = null} opens. */
class H2StoreTest extends StoreContractTest {
  @TempDir
  Path dir;

  private final AtomicInteger databases = new AtomicInteger();

  @Override
  protected StoreConfig freshDatabase() {
    return emptyDatabase(); // a new H2 file is migrated in a moment
  }

  @Override
  protected StoreConfig emptyDatabase() {
    Path file = dir.resolve("store-" + databases.incrementAndGet()).resolve("control");
    return new StoreConfig(StoreConfig.embeddedH2(file), "", "", 4);
  }

  @Override
  protected int killStoreSessions() throws Exception {
    return killEach("SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()",
        "CALL ABORT_SESSION(?)");
  }
}
