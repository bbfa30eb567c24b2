package com.pmsrelay.cloud.auth;

import com.pmsrelay.cloud.store.SigningKeyStore;
import com.pmsrelay.cloud.store.SigningKeyStore.StoredKey;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Issues and verifies the integrators' access tokens: ES256 JWTs with a {@code kid}, signed by the
 * newest key, verified against every active key, so tokens outlive a key rotation until they
 * expire. Before Vert.x verifies a token we insist on our algorithm and a known {@code kid}, and
 * after it on {@code exp} being present: Vert.x accepts tokens without one.
 */
public final class TokenService implements TokenVerifier {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenService.class);
  private final Vertx vertx;
  private final JwtSettings settings;
  private volatile Keys keys;
  private SigningKeyStore store;
  /**
   * Tokens already verified, with their subject and expiry: an integrator sends the same token
   * for up to its lifetime, and checking an ES256 signature is most of a request's CPU.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_VERIFIED = 50_000;

  private record Verified(String clientId, long expiresAtSeconds) {}

  private record Keys(JWTAuth signer, JWTAuth verifier, Set<String> kids, JsonObject jwks) {}

  public TokenService(Vertx vertx, JwtSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /**
   * Seals any signing key still stored plain or under the previous master key (see
   * {@link SigningKeyStore#sealAtRest}), then loads the active keys, creating the first one if
   * there is none.
   */
  private static final long UNKNOWN_KID_RELOAD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  /** When a token's unknown kid last made this node read its keys again (nanoTime; volatile: any event loop). */
  private volatile long lastUnknownKidReload = System.nanoTime() - UNKNOWN_KID_RELOAD_NANOS;

  public Future<Void> start(SigningKeyStore store) {
    this.store = store;
    return store.sealAtRest()
        .andThen(sealed -> {
          if (sealed.succeeded() && sealed.result() > 0) {
            LOG.info("sealed {} JWT signing key(s) in the store under the current master key", sealed.result());
          }
        })
        .compose(sealed -> store.active())
        .compose(active -> active.isEmpty() ? store.add(EcJwk.generate()).compose(v -> store.active()) : Future.succeededFuture(active))
        .map(active -> {
          this.keys = build(active);
          return null;
        });
  }

  /** Re-reads the active keys (after a rotation anywhere in the cluster). */
  public Future<Void> reload() {
    return store.active().map(active -> {
      this.keys = build(active);
      verified.clear(); // a retired key's tokens must be checked again
      return null;
    });
  }

  /**
   * Rotation: a new key signs from now on; the previous one still verifies the tokens it signed
   * until they expire; older keys are retired. Returns the new key's id. Nodes pick it up through
   * {@link #reload()}.
   */
  public static Future<String> rotate(SigningKeyStore store) {
    StoredKey fresh = EcJwk.generate();
    return store.add(fresh).compose(v -> store.retireAllBut(2)).map(fresh.kid());
  }

  private Keys build(List<StoredKey> active) {
    if (active.isEmpty()) {
      // Vert.x's JWTAuth with no key accepts unsigned tokens: never run like that.
      throw new IllegalStateException("no JWT signing key");
    }
    JWTOptions options = new JWTOptions()
        .setAlgorithm(EcJwk.ALGORITHM)
        .setIssuer(settings.issuer())
        .addAudience(settings.audience())
        .setExpiresInSeconds(settings.ttlSeconds());
    JWTAuthOptions signerOptions = new JWTAuthOptions().setJWTOptions(options).addJwk(active.get(0).privateJwk());
    JWTAuthOptions verifierOptions = new JWTAuthOptions().setJWTOptions(options);
    JsonArray published = new JsonArray();
    for (StoredKey key : active) {
      verifierOptions.addJwk(key.publicJwk());
      published.add(key.publicJwk());
    }
    Set<String> kids = active.stream().map(StoredKey::kid).collect(Collectors.toUnmodifiableSet());
    return new Keys(JWTAuth.create(vertx, signerOptions), JWTAuth.create(vertx, verifierOptions), kids,
        new JsonObject().put("keys", published));
  }

  public String issue(String clientId) {
    return keys.signer().generateToken(new JsonObject().put("sub", clientId),
        new JWTOptions().setAlgorithm(EcJwk.ALGORITHM).setIssuer(settings.issuer())
            .addAudience(settings.audience()).setExpiresInSeconds(settings.ttlSeconds()));
  }

  public int ttlSeconds() {
    return settings.ttlSeconds();
  }

  public JsonObject jwks() {
    return keys.jwks();
  }

  @Override
  public Future<String> verify(String token) {
    Verified known = token == null ? null : verified.get(token);
    if (known != null && known.expiresAtSeconds() > System.currentTimeMillis() / 1000) {
      return Future.succeededFuture(known.clientId());
    }
    JsonObject header = segment(token, 0);
    if (header == null || !EcJwk.ALGORITHM.equals(header.getValue("alg"))) {
      return invalid("the token is not signed by this relay");
    }
    String kid = String.valueOf(header.getValue("kid"));
    if (keys.kids().contains(kid)) {
      return check(keys, token);
    }
    // A key this node has not read yet: another node made it (nodes started together on an empty
    // store each make a first one) or rotated to it before its change reached us. Read the keys
    // again, at most once a second whatever kids are sent, and check once more.
    long now = System.nanoTime();
    if (store == null || now - lastUnknownKidReload < UNKNOWN_KID_RELOAD_NANOS) {
      return invalid("the token is not signed by this relay");
    }
    lastUnknownKidReload = now;
    return reload().compose(v -> keys.kids().contains(kid) ? check(keys, token)
        : invalid("the token is not signed by this relay"));
  }

  private Future<String> check(Keys current, String token) {
    return current.verifier().authenticate(new TokenCredentials(token))
        .recover(e -> invalid("the token is invalid or expired"))
        .compose(user -> {
          // Vert.x moves exp/nbf out of the principal: read the claims it has just verified.
          JsonObject claims = segment(token, 1);
          if (claims == null) {
            return invalid("the token is malformed");
          }
          long now = System.currentTimeMillis() / 1000;
          Object exp = claims.getValue("exp");
          Object nbf = claims.getValue("nbf");
          String subject = claims.getValue("sub") instanceof String s ? s : null;
          if (!(exp instanceof Number e) || e.longValue() <= now) {
            return invalid("the token has no valid expiry");
          }
          if (nbf != null && (!(nbf instanceof Number n) || n.longValue() > now)) {
            return invalid("the token is not valid yet");
          }
          if (subject == null || subject.isEmpty()) {
            return invalid("the token names no client");
          }
          if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
          }
          verified.put(token, new Verified(subject, ((Number) exp).longValue()));
          return Future.succeededFuture(subject);
        });
  }

  /** The JSON of the token's header (0) or payload (1), or null if it is not a JWS. */
  private static JsonObject segment(String token, int index) {
    if (token == null || token.length() > 8192) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      byte[] json = Base64.getUrlDecoder().decode(parts[index]);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static <T> Future<T> invalid(String detail) {
    return Future.failedFuture(new RelayException(ErrorCode.INVALID_TOKEN, detail));
  }
}
