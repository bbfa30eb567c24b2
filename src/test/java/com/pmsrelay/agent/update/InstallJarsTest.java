package com.pmsrelay.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.release.ReleaseSignature;
import io.vertx.core.Vertx;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The switch of jars where the running JVM holds its jar open (Windows), simulated on Linux by a
 * rename onto pms-relay.jar that fails as Windows' does: the verified jar is staged as
 * pms-relay.next.jar for the service's launcher, a rollback stages the previous jar the same way,
 * and a staged jar the launcher never put in place is refused instead of downloaded at every start.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InstallJarsTest {
  @TempDir Path dir;

  /** Windows' answer to renaming onto a jar a JVM has open. */
  private static final InstallJars.Replace HELD_OPEN = (from, to) -> {
    throw new FileSystemException(from.toString(), to.toString(), "The process cannot access the file because it is being"
        + " used by another process");
  };

  private static final InstallJars.Replace RENAME = (from, to) -> Files.move(from, to, StandardCopyOption.REPLACE_EXISTING,
      StandardCopyOption.ATOMIC_MOVE);

  private InstallJars installed(InstallJars jars) throws Exception {
    Files.writeString(jars.current(), "v1");
    Files.writeString(jars.download(), "v2");
    return jars;
  }

  @Test
  void whereTheRenameWorksTheJarIsReplacedAndThePreviousKept() throws Exception {
    InstallJars jars = installed(new InstallJars(dir, false, RENAME));
    assertThat(jars.switchToDownload()).isEqualTo(InstallJars.Switch.IN_PLACE);
    assertThat(Files.readString(jars.current())).isEqualTo("v2");
    assertThat(Files.readString(jars.previous())).isEqualTo("v1");
    assertThat(jars.next()).doesNotExist();
    assertThat(jars.download()).doesNotExist();

    assertThat(jars.restorePrevious()).isEqualTo(InstallJars.Switch.IN_PLACE);
    assertThat(Files.readString(jars.current())).isEqualTo("v1");
    assertThat(jars.next()).doesNotExist();
  }

  @Test
  void whenTheRenameFailsTheVerifiedJarIsStagedForTheLauncherAndTheRunningOneLeftAlone() throws Exception {
    InstallJars jars = installed(new InstallJars(dir, false, HELD_OPEN));
    assertThat(jars.switchToDownload()).isEqualTo(InstallJars.Switch.STAGED);
    assertThat(Files.readString(jars.current())).isEqualTo("v1");
    assertThat(Files.readString(jars.next())).isEqualTo("v2");
    assertThat(jars.download()).doesNotExist();
    launcherSwap(jars);
    assertThat(Files.readString(jars.current())).isEqualTo("v2");
    assertThat(Files.readString(jars.previous())).isEqualTo("v1");

    // v2 failed its trial: the previous jar is staged the same way, and the launcher swaps it back.
    assertThat(new InstallJars(dir, false, HELD_OPEN).restorePrevious()).isEqualTo(InstallJars.Switch.STAGED);
    assertThat(Files.readString(jars.current())).isEqualTo("v2");
    assertThat(Files.readString(jars.next())).isEqualTo("v1");
    assertThat(dir.resolve(InstallJars.CURRENT + ".tmp")).doesNotExist();
    launcherSwap(jars);
    assertThat(Files.readString(jars.current())).isEqualTo("v1");
    assertThat(jars.next()).doesNotExist();
  }

  @Test
  void onWindowsTheRenameIsNotEvenTried() throws Exception {
    AtomicInteger tried = new AtomicInteger();
    InstallJars jars = installed(new InstallJars(dir, true, (from, to) -> tried.incrementAndGet()));
    assertThat(jars.switchToDownload()).isEqualTo(InstallJars.Switch.STAGED);
    Files.writeString(jars.previous(), "v0");
    assertThat(jars.restorePrevious()).isEqualTo(InstallJars.Switch.STAGED);
    assertThat(Files.readString(jars.next())).isEqualTo("v0");
    assertThat(tried).hasValue(0);
    assertThat(Files.readString(jars.current())).isEqualTo("v1");
  }

  @Test
  void aStagedJarTheLauncherDidNotPutInPlaceIsRefusedNotTakenAgainAtEveryStart() throws Exception {
    Path install = Files.createDirectories(dir.resolve("install"));
    Path stateDir = dir.resolve("state");
    InstallJars jars = new InstallJars(install);
    Files.writeString(jars.current(), "v1");
    Files.writeString(jars.next(), "v2");
    UpdateState.load(stateDir).startTrial("2.0.0", "1.0.0", System.currentTimeMillis());
    Vertx vertx = Vertx.vertx();
    try {
      SelfUpdate update = new SelfUpdate(vertx, new AgentConfig.Update(ReleaseSignature.publicText(
          ReleaseSignature.generate().getPublic()), install, 300_000, stateDir), "1.0.0",
          () -> io.vertx.core.Future.succeededFuture(true), status -> { });
      assertThat(update.enabled()).isTrue();
      update.start();
    } finally {
      vertx.close().await();
    }
    assertThat(jars.next()).doesNotExist();
    assertThat(Files.readString(jars.current())).isEqualTo("v1");
    UpdateState state = UpdateState.load(stateDir);
    assertThat(state.refuses("2.0.0")).isTrue();
    assertThat(state.trial()).isNull();
  }

  /** What run-agent.cmd does before it starts java (its two move /Y lines). */
  private static void launcherSwap(InstallJars jars) throws Exception {
    if (Files.exists(jars.next())) {
      if (Files.exists(jars.current())) {
        Files.move(jars.current(), jars.previous(), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(jars.next(), jars.current(), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
