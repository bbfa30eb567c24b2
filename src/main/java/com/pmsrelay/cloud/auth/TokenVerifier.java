package com.pmsrelay.cloud.auth;

import io.vertx.core.Future;

/** Checks an integrator's bearer token (the cloud's {@link TokenService} is the one production uses). */
@FunctionalInterface
public interface TokenVerifier {
  /** The client id the token was issued to, or a failed future with {@code invalid_token}. */
  Future<String> verify(String token);
}
