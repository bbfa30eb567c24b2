package com.pmsrelay.agent.update;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.release.ReleaseJar;
import com.pmsrelay.common.release.ReleaseSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent updating itself: takes the release the cloud offers, downloads it chunk by chunk over
 * the agent's connection (one chunk asked for at a time), checks its size, SHA-256 and the release
 * key's signature, switches jars ({@link InstallJars}) and exits with {@link #RESTART_STATUS} for
 * its service manager to start the new one. The new version is on trial ({@link UpdateState}):
 * connected and with the PMS database reachable within {@code trialMs}, it stays; else the
 * previous jar goes back, the agent exits again, and the old version reports the rollback.
 * Everything but file work runs on the link's event loop.
 */
public final class SelfUpdate {
  private static final Logger LOG = LoggerFactory.getLogger(SelfUpdate.class);
  /**
   * The agent's exit status when it wants to be started again on the jar now in place (after a
   * switch or a rollback): EX_TEMPFAIL. The service definitions restart it on any exit.
   */
  public static final int RESTART_STATUS = 75;

  /** What the update needs of the link: sending a frame to the cloud while connected. */
  public interface Link {
    void send(String address, JsonObject body);
  }

  private final Vertx vertx;
  private final AgentConfig.Update settings;
  private final String runningVersion;
  private final Supplier<Future<Boolean>> pmsReachable;
  private final IntConsumer exit;
  private final PublicKey releaseKey;
  private final InstallJars jars;
  private UpdateState state;
  private long trialTimer = -1;
  private boolean trialPending;
  private boolean exiting;
  /** The download under way (null: none); its chunks arrive in order on the event loop. */
  private Download download;

  private record Offer(String version, long sizeBytes, String sha256, String signature, int chunks) {}

  private static final class Download {
    final Offer offer;
    final MessageDigest digest = ReleaseJar.digest();
    final Link link;
    OutputStream out;
    int next;
    long received;

    Download(Offer offer, Link link) {
      this.offer = offer;
      this.link = link;
    }
  }

  /**
   * @param runningVersion this build's version
   * @param pmsReachable whether the practice's database answers now (the health check's second half)
   * @param exit ends the process with a status (the agent's: System.exit on a thread of its own)
   */
  public SelfUpdate(Vertx vertx, AgentConfig.Update settings, String runningVersion, Supplier<Future<Boolean>> pmsReachable,
      IntConsumer exit) {
    this.vertx = vertx;
    this.settings = settings;
    this.runningVersion = runningVersion;
    this.pmsReachable = pmsReachable;
    this.exit = exit;
    this.releaseKey = settings.enabled() ? ReleaseSignature.readPublic(settings.releasePublicKey()) : null;
    Path dir = settings.enabled() ? InstallJars.locate(settings.installDir()) : null;
    this.jars = dir == null ? null : new InstallJars(dir);
  }

  /** True when this agent updates itself: a release key is pinned and it runs from an install folder. */
  public boolean enabled() {
    return releaseKey != null && jars != null;
  }

  /** Reads the state file, says once whether self-update is on, and starts the trial of a new version. Blocking. */
  public void start() {
    if (releaseKey == null) {
      LOG.info("self-update off: no release key configured (update.releasePublicKey)");
      return;
    }
    if (jars == null) {
      LOG.info("self-update off: this agent does not run from an installed pms-relay.jar (set update.installDir)");
      return;
    }
    state = UpdateState.load(settings.stateDir());
    notSwapped();
    JsonObject trial = state.trial();
    if (trial != null && runningVersion.equals(trial.getString("version"))) {
      trialPending = true;
      long left = Math.max(1, trial.getLong("startedAtMs", 0L) + settings.trialMs() - System.currentTimeMillis());
      LOG.info("self-update on: version {} is on trial, {} ms left to connect and reach the PMS database", runningVersion, left);
      trialTimer = vertx.setTimer(left, id -> trialFailed());
    } else {
      if (trial != null) {
        clearTrial(); // a trial of another version: the service started this one again, by hand or after a crash
      }
      LOG.info("self-update on: version {} in {}, releases checked against the pinned release key", runningVersion, jars.dir());
    }
  }

  /** The link is up and registered: a version on trial checks its health; a rollback not reported yet is reported. */
  public void connected(Link link) {
    if (!enabled()) {
      return;
    }
    JsonObject rolledBack = state.rolledBack();
    if (rolledBack != null) {
      link.send(Releases.REPORT, new JsonObject().put("version", rolledBack.getString("version")).put("state", "rolled-back")
          .put("reason", rolledBack.getString("reason")));
      blocking(() -> state.rollbackReported());
    }
    if (trialPending) {
      pmsReachable.get().onComplete(reachable -> {
        if (trialPending && reachable.succeeded() && reachable.result()) {
          trialPending = false;
          vertx.cancelTimer(trialTimer);
          LOG.info("version {} connected and reached the PMS database: the update is complete", runningVersion);
          link.send(Releases.REPORT, new JsonObject().put("version", runningVersion).put("state", "switched"));
          clearTrial();
        } else if (trialPending) {
          LOG.warn("version {} is on trial and connected, but the PMS database does not answer yet", runningVersion);
        }
      });
    }
  }

  /** The cloud's offer (sent at every connection and when it changes). */
  public void offer(JsonObject body, Link link) {
    if (!enabled() || exiting || trialPending) {
      return;
    }
    String version = body.getValue("version") instanceof String v ? v : null;
    if (version == null || version.equals(runningVersion) || state.refuses(version)
        || download != null && download.offer.version().equals(version)) {
      return;
    }
    Offer offer = new Offer(version, body.getLong("sizeBytes", -1L), body.getString("sha256", ""),
        body.getString("signature", ""), body.getInteger("chunks", -1));
    if (offer.sizeBytes() <= 0 || offer.sizeBytes() > 1L << 30 || offer.chunks() != Releases.chunks(offer.sizeBytes())
        || !ReleaseSignature.verify(releaseKey, version, offer.sizeBytes(), offer.sha256(), offer.signature())) {
      refuse(link, version, "its signature does not match the pinned release key");
      return;
    }
    abandon();
    Download d = new Download(offer, link);
    download = d;
    LOG.info("release {} offered: downloading {} bytes", version, offer.sizeBytes());
    link.send(Releases.REPORT, new JsonObject().put("version", version).put("state", "downloading"));
    vertx.executeBlocking(() -> {
      Files.createDirectories(jars.dir());
      return Files.newOutputStream(jars.download());
    }).onSuccess(out -> {
      d.out = out;
      if (download == d) {
        ask(d);
      }
    }).onFailure(e -> {
      LOG.error("cannot write the release download in {}: {}", jars.dir(), e.toString());
      if (download == d) {
        download = null;
      }
    });
  }

  private void ask(Download d) {
    d.link.send(Releases.FETCH, new JsonObject().put("version", d.offer.version()).put("seq", d.next));
  }

  /** One chunk of the release being downloaded. */
  public void chunk(JsonObject body) {
    Download d = download;
    if (d == null || d.out == null || !d.offer.version().equals(body.getValue("version"))
        || !Integer.valueOf(d.next).equals(body.getValue("seq"))) {
      return;
    }
    if (body.getValue("error") instanceof String error) {
      LOG.warn("the cloud stopped the download of release {}: {}", d.offer.version(), error);
      abandon();
      return;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(body.getString("data", ""));
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null || bytes.length == 0 || bytes.length > Releases.CHUNK_BYTES || d.received + bytes.length > d.offer.sizeBytes()) {
      refuse(d.link, d.offer.version(), "the cloud sent more or other bytes than the release's size");
      return;
    }
    d.digest.update(bytes);
    d.received += bytes.length;
    d.next++;
    byte[] chunk = bytes;
    vertx.executeBlocking(() -> {
      d.out.write(chunk);
      return null;
    }).onComplete(written -> {
      if (download != d) {
        return;
      }
      if (written.failed()) {
        LOG.error("cannot write the release download: {}", written.cause().toString());
        abandon();
      } else if (d.next < d.offer.chunks()) {
        ask(d);
      } else {
        finish(d);
      }
    });
  }

  /** Every chunk is in: checked against the signed size and SHA-256, then switched to. */
  private void finish(Download d) {
    String sha256 = HexFormat.of().formatHex(d.digest.digest());
    if (d.received != d.offer.sizeBytes() || !sha256.equals(d.offer.sha256())) {
      refuse(d.link, d.offer.version(), "the downloaded jar's size or SHA-256 is not the signed one (" + d.received
          + " bytes, SHA-256 " + sha256 + ")");
      return;
    }
    download = null;
    exiting = true;
    String version = d.offer.version();
    vertx.executeBlocking(() -> {
      d.out.close();
      InstallJars.Switch made = jars.switchToDownload();
      state.startTrial(version, runningVersion, System.currentTimeMillis());
      return made;
    }).onSuccess(made -> {
      if (made == InstallJars.Switch.STAGED) {
        LOG.info("release {} verified and staged as {} (this JVM holds {} open): exiting with status {} for the service's"
            + " launcher (run-agent.cmd) to put it in place, keep {} as {}, and start it", version, jars.next(),
            jars.current(), RESTART_STATUS, InstallJars.CURRENT, InstallJars.PREVIOUS);
      } else {
        LOG.info("release {} verified and in place as {} (the previous version kept as {}): exiting with status {} for the"
            + " service to start it", version, jars.current(), jars.previous(), RESTART_STATUS);
      }
      exit.accept(RESTART_STATUS);
    }).onFailure(e -> {
      exiting = false;
      LOG.error("cannot switch to release {}: {}; staying on {}", version, e.toString(), runningVersion);
    });
  }

  /** A release that failed its checks: logged, reported, remembered, its download deleted. */
  private void refuse(Link link, String version, String why) {
    LOG.error("refused release {}: {}; it may have been tampered with. Staying on {}", version, why, runningVersion);
    link.send(Releases.REPORT, new JsonObject().put("version", version).put("state", "refused").put("reason", why));
    abandon();
    blocking(() -> state.refuse(version));
  }

  /** Stops the download under way, if any, and deletes what it wrote. */
  private void abandon() {
    Download d = download;
    download = null;
    if (d != null) {
      blocking(() -> {
        if (d.out != null) {
          d.out.close();
        }
        Files.deleteIfExists(jars.download());
      });
    }
  }

  /** The connection was lost: a download starts again with the next offer. */
  public void linkLost() {
    abandon();
  }

  /** The version on trial did not connect and reach the database in time: the previous jar goes back. */
  private void trialFailed() {
    if (!trialPending || exiting) {
      return;
    }
    trialPending = false;
    exiting = true;
    JsonObject trial = state.trial();
    String previous = trial == null ? "the previous version" : trial.getString("previous");
    String reason = "version " + runningVersion + " did not connect to the cloud and reach the PMS database within "
        + settings.trialMs() / 1000 + " s";
    vertx.executeBlocking(() -> {
      InstallJars.Switch made = jars.restorePrevious();
      state.rolledBack(runningVersion, reason, System.currentTimeMillis());
      return made;
    }).onSuccess(made -> {
      LOG.error("rolling back to {}: {}; exiting with status {} for the service{} to start it", previous, reason, RESTART_STATUS,
          made == InstallJars.Switch.STAGED ? "'s launcher (run-agent.cmd; the previous jar staged as " + InstallJars.NEXT + ")"
              : "");
      exit.accept(RESTART_STATUS);
    }).onFailure(e -> LOG.error("cannot roll back to {} ({}): {}", previous, reason, e.toString()));
  }

  /**
   * A staged jar still there at start: the launcher did not put it in place (the service does not
   * start the agent through run-agent.cmd). The version it held is refused, so the agent does not
   * download it at every start, and the operator is told what to change. Blocking.
   */
  private void notSwapped() {
    if (!Files.exists(jars.next())) {
      return;
    }
    JsonObject trial = state.trial();
    String version = trial == null ? null : trial.getString("version");
    LOG.error("{} was not put in place at this start: the service does not start the agent through its launcher"
        + " (agent-launcher/windows/run-agent.cmd; install-service.ps1 sets it up). Staying on {}{}", jars.next(), runningVersion,
        version == null || version.equals(runningVersion) ? "" : " and not taking release " + version + " again");
    try {
      Files.deleteIfExists(jars.next());
      if (version != null && !version.equals(runningVersion)) {
        state.refuse(version);
        state.trialPassed();
      }
    } catch (IOException e) {
      LOG.warn("cannot clear {}: {}", jars.next(), e.toString());
    }
  }

  private void clearTrial() {
    blocking(() -> state.trialPassed());
  }

  private interface FileWork {
    void run() throws IOException;
  }

  private void blocking(FileWork work) {
    vertx.executeBlocking(() -> {
      work.run();
      return null;
    }).onFailure(e -> LOG.warn("cannot update the self-update state in {}: {}", settings.stateDir(), e.toString()));
  }
}
