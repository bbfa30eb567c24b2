package com.pmsrelay.cloud.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the change feed on PostgreSQL: one connection of its own, outside the pool, that
 * {@code LISTEN}s on {@link ChangeStore#CHANNEL}, read by a dedicated thread (pgjdbc's
 * {@code getNotifications} blocks). On each notification, and each time the connection is
 * (re)established, it runs {@code wake} on the given context; the follower then reads the feed, so
 * what was published while the connection was down is read after it comes back. A lost
 * connection is opened again with capped exponential backoff and jitter (every node reconnects
 * after a database restart: jitter keeps them from arriving together). It uses pgjdbc, the store's
 * driver already, rather than the Vert.x PostgreSQL client: one more dependency for one connection.
 */
public final class ChangeListener {
  /** How long one wait for notifications lasts: also how soon {@link #stop()} ends the thread. */
  static final int WAIT_MS = 500;
  /** After this long without a notification the connection is checked: a dead peer sends nothing. */
  static final long CHECK_QUIET_MS = 10_000;
  static final long INITIAL_BACKOFF_MS = 100;
  public static final long MAX_BACKOFF_MS = 5_000;
  /** Shows in pg_stat_activity, so an operator (or a test) can tell this connection apart. */
  public static final String APPLICATION_NAME = "pms-relay change listener";
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  private final Database db;
  private final Context context;
  private final Runnable wake;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Promise<Void> firstAttempt = Promise.promise();
  private Thread thread;
  /** Read and written by the listening thread only. */
  private boolean startReported;

  ChangeListener(Database db, Context context, Runnable wake) {
    this.db = db;
    this.context = context;
    this.wake = wake;
  }

  /**
   * Starts listening. The future completes once the first connection listens, or its first attempt
   * has failed (the thread keeps trying; the follower's safety poll covers the meantime).
   */
  public Future<Void> start() {
    if (running.compareAndSet(false, true)) {
      thread = new Thread(this::run, "change-listener");
      thread.setDaemon(true);
      thread.start();
    }
    return firstAttempt.future();
  }

  /** Stops the thread, which closes its connection within {@value #WAIT_MS} ms. */
  public void stop() {
    if (running.compareAndSet(true, false) && thread != null) {
      thread.interrupt(); // ends a backoff sleep; a socket read ends at its WAIT_MS
    }
  }

  private void run() {
    int failures = 0;
    while (running.get()) {
      try (Connection connection = db.connectAlone(properties())) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + ChangeStore.CHANNEL);
        }
        if (failures > 0) {
          LOG.info("change feed: listening again after {} failed attempt(s)", failures);
        }
        failures = 0;
        started();
        onContext(wake); // read whatever was published while not listening
        listen(connection);
      } catch (SQLException | RuntimeException e) {
        if (!running.get()) {
          break;
        }
        failures++;
        started();
        // The driver's messages name host and port, never the password.
        if (failures == 1) {
          LOG.warn("change feed: not listening ({}); reconnecting with backoff", e.toString());
        } else {
          LOG.debug("change feed: reconnect attempt {} failed: {}", failures, e.toString());
        }
        if (!sleep(backoff(failures))) {
          break;
        }
      }
    }
    started(); // stopped before any attempt ended
  }

  /** Waits for notifications until the connection fails (throws) or the listener stops. */
  private void listen(Connection connection) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    long quietSince = System.nanoTime();
    while (running.get()) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MS);
      if (notifications != null && notifications.length > 0) {
        LOG.debug("change feed: notified of change {}", notifications[notifications.length - 1].getParameter());
        onContext(wake);
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > CHECK_QUIET_MS * 1_000_000) {
        if (!connection.isValid(5)) {
          throw new SQLException("the listening connection does not answer");
        }
        quietSince = System.nanoTime();
      }
    }
  }

  /** Completes the start on the context, so what follows it does not run on this thread. */
  private void started() {
    if (!startReported) {
      startReported = true;
      onContext(firstAttempt::tryComplete);
    }
  }

  private void onContext(Runnable task) {
    try {
      context.runOnContext(v -> task.run());
    } catch (RejectedExecutionException closed) {
      // Vert.x is closing: nothing left to wake.
    }
  }

  private static Properties properties() {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("tcpKeepAlive", "true");
    return properties;
  }

  /** Capped exponential, with full jitter in its upper half. */
  static long backoff(int failures) {
    long cap = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS << Math.min(failures - 1, 16));
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
  }

  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return running.get();
    } catch (InterruptedException e) {
      return false;
    }
  }
}
