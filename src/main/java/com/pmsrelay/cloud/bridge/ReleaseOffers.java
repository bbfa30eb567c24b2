package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.release.ReleaseVersion;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * What the bridge tells an agent about versions: whether the version policy lets it in (and the
 * one line it logs if not), the release offered to it now, the chunks of that release's jar, and
 * where its reports of an update go. Also the refusal of a key retired by a move to a new server.
 */
public final class ReleaseOffers {
  /** The README section an outdated agent's operator is sent to. */
  static final String README_UPDATE = "README, 'Agent updates'";

  /** The policy's ruling on one agent's version: refused (with the line the agent logs), warned, or fine. */
  public record PolicyVerdict(String refusal, String warning) {
    static final PolicyVerdict FINE = new PolicyVerdict(null, null);
  }

  private final ReleaseStore releases;
  private final AgentStateStore states;

  public ReleaseOffers(ReleaseStore releases, AgentStateStore states) {
    this.releases = releases;
    this.states = states;
  }

  /** The version policy on an agent of {@code version} (null or unreadable: older than any bound). */
  public Future<PolicyVerdict> policy(String version) {
    return states.policy().map(p -> {
      String shown = version == null ? "unknown" : version;
      if (p.minimum() != null && ReleaseVersion.older(version, p.minimum())) {
        return new PolicyVerdict("this agent is version " + shown + "; the cloud requires at least " + p.minimum()
            + ": update it (" + README_UPDATE + ")", null);
      }
      if (p.recommended() != null && ReleaseVersion.older(version, p.recommended())) {
        return new PolicyVerdict(null, "this agent is version " + shown + "; version " + p.recommended()
            + " or later is recommended: update it (" + README_UPDATE + ")");
      }
      return PolicyVerdict.FINE;
    });
  }

  /** The line an agent presenting a key retired by the practice's move logs, if it is one. */
  public Future<Optional<String>> movedAway(String practiceId, String agentKey) {
    return states.movedAway(practiceId, agentKey).map(at -> at.map(ms -> "this agent's key was replaced when the practice"
        + " moved to a new server on " + Instant.ofEpochMilli(ms) + "; this server's agent can be uninstalled"));
  }

  /**
   * The offer message for the practice's agent now: the newest release offered to the practice
   * that is newer than the agent's version, or none.
   */
  public Future<JsonObject> offerFor(String practiceId, String agentVersion) {
    return releases.list().map(all -> all.stream()
        .filter(r -> r.offeredTo(practiceId) && ReleaseVersion.older(agentVersion, r.version()))
        .max((a, b) -> ReleaseVersion.compare(a.version(), b.version()))
        .map(ReleaseOffers::offer)
        .orElseGet(Releases::noOffer));
  }

  private static JsonObject offer(Release r) {
    return Releases.offer(r.version(), r.sizeBytes(), r.sha256(), r.signature(), Releases.chunks(r.sizeBytes()));
  }

  /** One chunk of a release the practice is offered (a withdrawn one's, or another's, is not served). */
  public Future<Optional<Buffer>> chunk(String practiceId, String version, int seq) {
    return releases.find(version).compose(r -> r.isPresent() && r.get().offeredTo(practiceId)
        ? releases.chunk(version, seq) : Future.succeededFuture(Optional.empty()));
  }

  /** Records an agent's report of its update, if it is well formed. */
  public Future<Void> report(String practiceId, JsonObject body) {
    String version = body.getValue("version") instanceof String v && ReleaseVersion.valid(v) ? v : null;
    String state = body.getValue("state") instanceof String s && Releases.STATES.contains(s) ? s : null;
    if (version == null || state == null) {
      return Future.failedFuture(new IllegalArgumentException("a malformed update report"));
    }
    String reason = body.getValue("reason") instanceof String r ? (r.length() > 500 ? r.substring(0, 500) : r) : null;
    return states.updateReported(practiceId, version, state, reason, System.currentTimeMillis());
  }

  /** Records the address the practice's agent connects from. */
  public Future<Void> connectedFrom(String practiceId, String address) {
    return address == null ? Future.succeededFuture() : states.connectedFrom(practiceId, address, System.currentTimeMillis());
  }
}
