package com.pmsrelay.cloud.bridge;

import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.Frame;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one agent socket may do, frame by frame. Deny by default: before it authenticates a socket
 * may send exactly one frame, its credentials; afterwards it may register only its own practice's
 * address, ping, send notes of its registered queries' runs (a JSON object to
 * {@link Addresses#REGISTERED_RUNS}), ask for chunks of a release and report its updates (to
 * {@code Releases.FETCH} and {@code Releases.REPORT}), and send only to the result streams of queries the cloud dispatched to it (a
 * message to one of its last {@value #RECENTLY_CLOSED} streams after that stream ended, raced by
 * a cancel or a time-out, is dropped; an address it was never given ends the connection).
 * Not thread-safe: one instance per socket, used on the socket's event loop.
 */
final class BridgeGuard {
  /** The guard's ruling on one frame. */
  enum Verdict { AUTHENTICATE, REGISTER, PING, STREAM, LATE, NOTE, RELEASE_FETCH, UPDATE_REPORT, REFUSE }

  /** How many ended streams a socket remembers, so that a late message to one is dropped, not refused. */
  static final int RECENTLY_CLOSED = 1_024;

  private enum State { NEW, AUTHENTICATING, AUTHENTICATED }

  private State state = State.NEW;
  private String practiceId;
  private boolean registered;
  private final Set<String> openStreams = new HashSet<>();
  private final Map<String, Boolean> recentlyClosed = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENTLY_CLOSED;
    }
  };
  private String refusal;

  Verdict check(Frame frame) {
    String type = frame.type();
    String address = frame.address();
    switch (state) {
      case NEW:
        if (type.equals("send") && Addresses.AGENT_AUTH.equals(address) && frame.body() != null) {
          state = State.AUTHENTICATING;
          return Verdict.AUTHENTICATE;
        }
        return refuse("the first frame must authenticate the agent");
      case AUTHENTICATING:
        return refuse("frame sent before authentication completed");
      default:
        break;
    }
    switch (type) {
      case "ping":
        return Verdict.PING;
      case "register":
        if (!Addresses.practice(practiceId).equals(address)) {
          return refuse("an agent may register only its own practice's address");
        }
        if (registered) {
          return refuse("address already registered");
        }
        registered = true;
        return Verdict.REGISTER;
      case "send":
        if (address != null && openStreams.contains(address) && frame.result() != null) {
          return Verdict.STREAM;
        }
        if (Addresses.REGISTERED_RUNS.equals(address) && frame.body() != null) {
          return Verdict.NOTE;
        }
        if (com.pmsrelay.common.protocol.Releases.FETCH.equals(address) && frame.body() != null) {
          return Verdict.RELEASE_FETCH;
        }
        if (com.pmsrelay.common.protocol.Releases.REPORT.equals(address) && frame.body() != null) {
          return Verdict.UPDATE_REPORT;
        }
        if (address != null && recentlyClosed.containsKey(address)) {
          return Verdict.LATE; // a stream this agent was given, already ended or cancelled: dropped
        }
        return refuse("send to an address this agent was not given");
      default:
        return refuse("frame type '" + type + "' is not allowed");
    }
  }

  void authenticated(String practiceId) {
    this.practiceId = practiceId;
    this.state = State.AUTHENTICATED;
  }

  String practiceId() {
    return practiceId;
  }

  void openStream(String address) {
    openStreams.add(address);
  }

  void closeStream(String address) {
    if (openStreams.remove(address)) {
      recentlyClosed.put(address, Boolean.TRUE);
    }
  }

  Set<String> openStreams() {
    return openStreams;
  }

  String refusal() {
    return refusal;
  }

  private Verdict refuse(String reason) {
    refusal = reason;
    return Verdict.REFUSE;
  }
}
