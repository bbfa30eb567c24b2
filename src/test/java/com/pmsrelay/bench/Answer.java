package com.pmsrelay.bench;

/**
 * How the relay answered one query: {@code 200}, or the HTTP status and problem code (for
 * example {@code 429 queue_full}), or {@code client_timeout}; and, when known, the agent's
 * {@code queuedMs} and {@code executionMs} and the cloud's {@code totalMs} for it (-1 when not
 * known).
 */
record Answer(String outcome, long queuedMs, long executionMs, long totalMs) {
  static final String OK = "200";
  static final String CLIENT_TIMEOUT = "client_timeout";

  static Answer of(String outcome) {
    return new Answer(outcome, -1, -1, -1);
  }

  /**
   * A refusal: status and code, and for {@code queue_full} which bound refused it (the agent's
   * detail says so): the integrator's own lane, or the practice's whole queue.
   */
  static Answer refused(int status, String code, String detail) {
    String which = "";
    if ("queue_full".equals(code) && detail != null) {
      which = detail.contains("integration's queue") ? " (integrator lane)"
          : detail.contains("practice's query queue") ? " (practice queue)" : "";
    }
    return of(status + " " + code + which);
  }

  boolean ok() {
    return OK.equals(outcome);
  }
}
