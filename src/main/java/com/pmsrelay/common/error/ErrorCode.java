package com.pmsrelay.common.error;

/** Every problem code of the external contract (API.md, "Errors"), with its HTTP status. */
public enum ErrorCode {
  INVALID_REQUEST(400, "Invalid request"),
  SQL_REJECTED(400, "SQL rejected"),
  INVALID_PAIRING_CODE(400, "Invalid pairing code"),
  /** A webhook URL the relay will not deliver to: not https, user info, a private or loopback address, ... */
  WEBHOOK_URL_REFUSED(400, "Webhook URL refused"),
  INVALID_CLIENT(401, "Invalid client"),
  INVALID_TOKEN(401, "Invalid token"),
  INVALID_LOGIN(401, "Invalid login"),
  NOT_AUTHENTICATED(401, "Not logged in"),
  CSRF_FAILED(403, "Missing or wrong CSRF token"),
  INTEGRATION_DISABLED(403, "Integration disabled"),
  INTEGRATION_BLOCKED(403, "Integration blocked"),
  SCOPE_DENIED(403, "Scope denied"),
  PRACTICE_NOT_FOUND(404, "Practice not found"),
  /** Schema discovery: the practice's agent serves no catalogue (database) of that name. */
  CATALOGUE_NOT_FOUND(404, "Catalogue not found"),
  QUERY_NOT_FOUND(404, "Query not found"),
  /** A registered query that does not exist or is another integrator's (the two are indistinguishable). */
  REGISTRATION_NOT_FOUND(404, "Registration not found"),
  /** The integrator has set no webhook (PUT /v1/webhook), or deleted it. */
  WEBHOOK_NOT_SET(404, "Webhook not set"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  /** The query has no result to read: it has not finished, failed or was cancelled (the detail says which). */
  RESULTS_UNAVAILABLE(409, "Results unavailable"),
  /** Console and operator: the practice is quarantined already (resume it first). */
  ALREADY_QUARANTINED(409, "Already quarantined"),
  /** Console and operator: there is no quarantine to resume. */
  NOT_QUARANTINED(409, "Not quarantined"),
  /** The integrator holds as many registered queries at the practice as it may (registered.perIntegratorPerPractice). */
  TOO_MANY_REGISTRATIONS(409, "Too many registrations"),
  RESULTS_EXPIRED(410, "Results expired"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  /** The request line (method, path and query) is longer than the HTTP codec reads. */
  URI_TOO_LONG(414, "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  EXECUTION_FAILED(422, "Execution failed"),
  ROW_TOO_LARGE(422, "Row too large"),
  /** Schema discovery: the catalogue has more columns than the relay lists in one answer (schema.maxBytes). */
  SCHEMA_TOO_LARGE(422, "Schema too large"),
  RATE_LIMITED(429, "Rate limited"),
  QUEUE_FULL(429, "Queue full"),
  /** The request's headers together are larger than the HTTP codec reads. */
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  /** Never sent: the client went away before its answer (nginx's 499); the audit log records it. */
  CLIENT_CLOSED(499, "Client closed the request"),
  INTERNAL_ERROR(500, "Internal error"),
  NOT_IMPLEMENTED(501, "Not implemented"),
  /**
   * The practice's agent is older than what was asked of it (schema discovery): the practice
   * needs to update it. Not retryable until it does.
   */
  AGENT_OUTDATED(501, "Agent outdated"),
  /**
   * The practice's agent answered in a way it must not: a broken result stream, or an error the
   * agent has no business sending. Not the integrator's fault, nor the relay's own (a 500).
   */
  AGENT_ERROR(502, "Bad answer from the agent"),
  AGENT_OFFLINE(503, "Agent offline"),
  PMS_UNAVAILABLE(503, "PMS unavailable"),
  /**
   * The connection to the practice was lost while an async query ran: the agent stopped it, and it
   * does not run a second time (it may have read the database already). Submit it again.
   */
  QUERY_INTERRUPTED(503, "Query interrupted"),
  /** This cloud node is stopping: it takes no new query; retry (a load balancer sends it elsewhere). */
  SHUTTING_DOWN(503, "Shutting down"),
  QUEUE_TIMEOUT(504, "Queue timeout"),
  QUERY_TIMEOUT(504, "Query timeout");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The wire form, e.g. {@code agent_offline}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return INTERNAL_ERROR;
  }
}
