package com.pmsrelay.cloud.bridge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Closes the agent sockets of one bridge instance on which nothing was read for the heartbeat
 * time-out, with one timer for all of them: a read-idle time-out per socket kept a timer per
 * socket, each rescheduled about once a minute and waking the event loop on its own (some 150
 * wake-ups a second at 10,000 agents). Reads only count: queries written to a dead agent must not
 * keep its socket, which the node's liveness vouches for, open.
 *
 * <p>A sweep every {@link #periodMs()} closes the sockets silent for at least the time-out less one
 * period, so a silent socket is closed within the time-out, never after it, and never before the
 * time-out less one period. Confined to the instance's event loop.
 */
final class SilenceSweep {
  /** A socket as the sweep sees it. */
  interface Watched {
    /** When something was last read from it (epoch ms). */
    long lastReadMs();

    /** Closes it: it has been silent for {@code silentMs}. */
    void closeSilent(long silentMs);
  }

  /** Each sweep reads every socket's last read (a cache miss each): 0.1 % of a core a second at 10,000. */
  private static final long MAX_PERIOD_MS = 5_000;

  private final long periodMs;
  private final long closeAfterMs;
  private final Set<Watched> sockets = new HashSet<>();

  /** Sweeps every 5 s, or ten times per time-out when that is shorter (tests use short ones). */
  SilenceSweep(long timeoutMs) {
    this.periodMs = Math.max(1, Math.min(MAX_PERIOD_MS, timeoutMs / 10));
    this.closeAfterMs = timeoutMs - periodMs;
  }

  long periodMs() {
    return periodMs;
  }

  void add(Watched socket) {
    sockets.add(socket);
  }

  void remove(Watched socket) {
    sockets.remove(socket);
  }

  /** Closes the sockets silent for the time-out less one period, as of {@code nowMs}. */
  void sweep(long nowMs) {
    List<Watched> silent = new ArrayList<>();
    for (Watched socket : sockets) {
      if (nowMs - socket.lastReadMs() >= closeAfterMs) {
        silent.add(socket);
      }
    }
    for (Watched socket : silent) {
      sockets.remove(socket);
      socket.closeSilent(nowMs - socket.lastReadMs());
    }
  }
}
