package com.pmsrelay.doctor;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one blocking step with a time limit (DNS and JDBC log-ins have none of their own that always holds). */
final class Bounded {
  /** Raised when the step did not finish in time. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;

    TimedOut(long ms) {
      super("no answer within " + ms + " ms");
    }
  }

  private Bounded() {}

  static <T> T run(long timeoutMs, Callable<T> step) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "doctor-step");
      t.setDaemon(true); // a step stuck in the kernel must not keep the doctor's JVM alive
      return t;
    });
    try {
      Future<T> result = thread.submit(step);
      return result.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimedOut(timeoutMs);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      thread.shutdownNow();
    }
  }
}
