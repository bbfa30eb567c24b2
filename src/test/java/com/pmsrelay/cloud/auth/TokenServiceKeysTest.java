package com.pmsrelay.cloud.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.StoreConfig;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.common.crypto.Secrets;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of one store that read its signing keys at different moments still accept each other's
 * tokens: a token under a key this node has not read makes it read the keys again (at most once a
 * second), instead of refusing the integrator until a rotation comes round. (ClusterIT's three
 * nodes, started together on an empty store, each made a first key and refused the others' tokens.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenServiceKeysTest {
  @TempDir Path dir;
  Vertx vertx;
  Database db;
  Stores stores;
  final JwtSettings settings = new JwtSettings("pms-relay", "pms-relay-api", 900);

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = open("store");
    stores = Stores.over(db, MasterKey.of(Secrets.randomBytes(32), null));
  }

  private Database open(String name) {
    return vertx.executeBlocking(() -> Database.open(vertx,
        new StoreConfig(StoreConfig.embeddedH2(dir.resolve(name)), "", "", 2))).await();
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void aTokenUnderAKeyAnotherNodeAddedLaterIsAcceptedAndAForeignOneIsNot() {
    TokenService early = new TokenService(vertx, settings);
    early.start(stores.signingKeys()).await();
    TokenService.rotate(stores.signingKeys()).await(); // another node's key, written after `early` read
    TokenService late = new TokenService(vertx, settings);
    late.start(stores.signingKeys()).await();

    assertThat(early.verify(late.issue("client-1")).await()).isEqualTo("client-1");

    // A key no node of this store holds (another relay's): still refused after the re-read.
    Database elsewhereDb = open("other");
    try {
      TokenService other = new TokenService(vertx, settings);
      other.start(Stores.over(elsewhereDb, MasterKey.of(Secrets.randomBytes(32), null)).signingKeys()).await();
      String foreign = other.issue("client-2");
      try {
        Thread.sleep(1_100); // past the once-a-second bound, so this one does read the keys again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertThatThrownBy(() -> early.verify(foreign).await())
          .isInstanceOf(RelayException.class).hasMessageContaining("not signed by this relay");
    } finally {
      elsewhereDb.close().await();
    }
  }
}
