package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one timer that closes silent agent sockets: within the heartbeat time-out, never before it less one sweep. */
class SilenceSweepTest {
  private static final long TIMEOUT_MS = 75_000;

  /** A socket that records when the sweep closed it. */
  private static final class Socket implements SilenceSweep.Watched {
    long lastReadMs;
    final List<Long> closedAfter = new ArrayList<>();

    Socket(long lastReadMs) {
      this.lastReadMs = lastReadMs;
    }

    @Override
    public long lastReadMs() {
      return lastReadMs;
    }

    @Override
    public void closeSilent(long silentMs) {
      closedAfter.add(silentMs);
    }
  }

  @Test
  void sweepsEveryFiveSecondsAtTheShippedTimeoutAndTenTimesPerShortOne() {
    assertThat(new SilenceSweep(TIMEOUT_MS).periodMs()).isEqualTo(5_000);
    assertThat(new SilenceSweep(1_000).periodMs()).isEqualTo(100);
  }

  @Test
  void aSilentSocketIsClosedWithinTheTimeoutWhateverItsPhase() {
    SilenceSweep sweep = new SilenceSweep(TIMEOUT_MS);
    long period = sweep.periodMs();
    List<Socket> sockets = new ArrayList<>();
    for (long phase = 0; phase < period; phase += 37) {
      Socket socket = new Socket(phase);
      sockets.add(socket);
      sweep.add(socket);
    }
    for (long now = 0; now <= 2 * TIMEOUT_MS; now += period) {
      sweep.sweep(now);
    }
    for (Socket socket : sockets) {
      assertThat(socket.closedAfter).as("closed once").hasSize(1);
      assertThat(socket.closedAfter.get(0)).isBetween(TIMEOUT_MS - period, TIMEOUT_MS);
    }
  }

  @Test
  void aSocketThatIsReadFromStaysOpen() {
    SilenceSweep sweep = new SilenceSweep(TIMEOUT_MS);
    Socket pinging = new Socket(0);
    sweep.add(pinging);
    for (long now = 0; now <= 10 * TIMEOUT_MS; now += sweep.periodMs()) {
      if (now % 30_000 == 0) {
        pinging.lastReadMs = now; // the agent's ping every 30 s
      }
      sweep.sweep(now);
    }
    assertThat(pinging.closedAfter).isEmpty();
  }

  @Test
  void aSocketClosedOtherwiseIsNotSwept() {
    SilenceSweep sweep = new SilenceSweep(TIMEOUT_MS);
    Socket closed = new Socket(0);
    sweep.add(closed);
    sweep.remove(closed);
    sweep.sweep(10 * TIMEOUT_MS);
    assertThat(closed.closedAfter).isEmpty();
  }
}
