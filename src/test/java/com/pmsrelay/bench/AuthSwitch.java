package com.pmsrelay.bench;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The auth benchmark's switch in the cloud's bearer check (given to the cloud node through
 * {@link BenchRelay.Options}, test code only). Verifying: the cloud's own {@link TokenService}
 * (ES256 signature, claims, its cache of verified tokens). Not verifying: the token's claims are
 * decoded and {@code sub} returned while {@code exp} is ahead, the signature unchecked. The rest
 * of the request (the integrator's lookup, grant, rate, SQL, dispatch) is the same either way.
 */
final class AuthSwitch implements TokenVerifier {
  private volatile TokenService tokens;
  private volatile boolean verifying = true;

  /** The cloud's bearer verifier: this switch, over the token service the node hands over at start. */
  TokenVerifier attach(TokenService tokenService) {
    this.tokens = tokenService;
    return this;
  }

  void verifying(boolean on) {
    verifying = on;
  }

  /** A new token for {@code clientId}, signed with the cloud's real key (as {@code POST /v1/token} issues it). */
  String mint(String clientId) {
    return tokens.issue(clientId);
  }

  @Override
  public Future<String> verify(String token) {
    return verifying ? tokens.verify(token) : decoded(token);
  }

  private static Future<String> decoded(String token) {
    String[] parts = token.split("\\.", -1);
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      boolean current = claims.getLong("exp", 0L) > System.currentTimeMillis() / 1000;
      if (current && claims.getValue("sub") instanceof String sub) {
        return Future.succeededFuture(sub);
      }
    } catch (RuntimeException e) {
      // not a JWT: refused below
    }
    return Future.failedFuture(new RelayException(ErrorCode.INVALID_TOKEN, "the token is malformed or expired"));
  }
}
