package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Client credentials and every way an access token can be wrong. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class TokenAuthTest {
  @TempDir static Path dir;
  static RelayFixture relay;
  static JsonObject privateJwk;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir);
    privateJwk = relay.demo.cloud().signingKeys().active().await().get(0).privateJwk();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void wrongSecretAndUnknownClientGetTheSameAnswer(VertxTestContext ctx) {
    String clientId = relay.integrator(0).getString("clientId");
    Future.all(relay.tokenResponse(clientId, "wrong-secret"), relay.tokenResponse("cli_nobody", "whatever"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> wrong = all.resultAt(0);
          HttpResponse<Buffer> unknown = all.resultAt(1);
          assertThat(wrong.statusCode()).isEqualTo(401);
          assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("invalid_client");
          assertThat(wrong.bodyAsString()).isEqualTo(unknown.bodyAsString());
          assertThat(wrong.getHeader("WWW-Authenticate")).isNotNull();
          // RFC 6749 5.2, beside the problem fields
          assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
          assertThat(wrong.bodyAsJsonObject().getString("error_description")).isEqualTo("unknown client or wrong secret");
          ctx.completeNow();
        })));
  }

  /**
   * Every way a token request can be wrong answers a problem that also carries OAuth 2.0's
   * {@code error} and {@code error_description} (RFC 6749 5.2), the body handler's and the edge's
   * refusals included; none of these counts as a failed secret.
   */
  @Test
  void tokenErrorsCarryOAuthErrorFields(VertxTestContext ctx) {
    JsonObject i = relay.integrator(0);
    io.vertx.core.MultiMap noGrant = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("client_id", i.getString("clientId")).add("client_secret", i.getString("clientSecret"));
    io.vertx.core.MultiMap password = io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(noGrant)
        .add("grant_type", "password");
    String huge = "grant_type=client_credentials&pad=" + "x".repeat(300 * 1024);
    List<Future<HttpResponse<Buffer>>> answers = List.of(
        relay.http.post("/v1/token").sendForm(noGrant),
        relay.http.post("/v1/token").sendForm(password),
        relay.http.post("/v1/token").sendJsonObject(new JsonObject().put("grant_type", "client_credentials")),
        relay.http.post("/v1/token").putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer(huge)),
        relay.http.post("/v1/token").putHeader("Authorization", "Basic !!not-base64!!")
            .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")),
        relay.http.post("/v1/token?x=%zz").sendForm(noGrant));
    List<Object[]> expected = List.of(
        new Object[] {400, "invalid_request", "invalid_request"},
        new Object[] {400, "invalid_request", "unsupported_grant_type"},
        new Object[] {400, "invalid_request", "invalid_request"},
        new Object[] {413, "payload_too_large", "invalid_request"},
        new Object[] {401, "invalid_client", "invalid_client"},
        new Object[] {400, "invalid_request", "invalid_request"});
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int n = 0; n < expected.size(); n++) {
        HttpResponse<Buffer> r = all.resultAt(n);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(r.statusCode()).as("case %d: %s", n, r.bodyAsString()).isEqualTo(expected.get(n)[0]);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(body.getString("code")).as("case %d", n).isEqualTo(expected.get(n)[1]);
        assertThat(body.getString("error")).as("case %d", n).isEqualTo(expected.get(n)[2]);
        assertThat(body.getString("error_description")).as("case %d", n).isEqualTo(body.getString("detail")).isNotBlank();
      }
      assertThat(((HttpResponse<Buffer>) all.resultAt(1)).bodyAsJsonObject().getString("detail"))
          .isEqualTo("grant_type must be client_credentials");
      assertThat(((HttpResponse<Buffer>) all.resultAt(4)).getHeader("WWW-Authenticate")).startsWith("Basic");
      ctx.completeNow();
    })));
  }

  @Test
  void httpBasicClientCredentialsWork(VertxTestContext ctx) {
    JsonObject i = relay.integrator(0);
    relay.http.post("/v1/token")
        .basicAuthentication(i.getString("clientId"), i.getString("clientSecret"))
        .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject body = r.bodyAsJsonObject();
          assertThat(body.getString("token_type")).isEqualTo("Bearer");
          assertThat(body.getInteger("expires_in")).isEqualTo(900);
          assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
          ctx.completeNow();
        })));
  }

  @Test
  void jwksPublishesTheSigningKeyWithoutItsPrivatePart(VertxTestContext ctx) {
    relay.token(0).compose(token -> relay.http.get("/.well-known/jwks.json").send().map(r -> List.of(token, r)))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          String token = (String) pair.get(0);
          @SuppressWarnings("unchecked")
          HttpResponse<Buffer> r = (HttpResponse<Buffer>) pair.get(1);
          JsonObject key = r.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
          assertThat(key.getString("kid")).isEqualTo(header(token).getString("kid"));
          assertThat(key.getString("alg")).isEqualTo("ES256");
          assertThat(key.containsKey("d")).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  void aWellFormedTokenSignedByTheRelayKeyIsAccepted(VertxTestContext ctx) {
    // Control for the cases below: tokens crafted here with valid claims do work.
    String token = sign(privateJwk, claims(), 300);
    relay.get(token, "/v1/practices").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      ctx.completeNow();
    })));
  }

  @Test
  void badTokensAre401(VertxTestContext ctx) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject otherKey = generatedKeyWithKid(privateJwk.getString("kid"));
    List<String> tokens = List.of(
        "garbage",
        "",
        unsigned(claims().put("exp", now + 300)),
        sign(privateJwk, claims().put("exp", now - 10), 0),
        sign(privateJwk, claims(), 0),
        sign(privateJwk, claims().put("exp", now + 300).put("nbf", now + 120), 0),
        sign(privateJwk, claims().put("iss", "someone-else"), 300),
        sign(privateJwk, claims().put("aud", "another-api"), 300),
        sign(otherKey, claims(), 300),
        tamper(sign(privateJwk, claims(), 300)));
    Future.all(tokens.stream().map(t -> relay.get(t, "/v1/practices")).toList())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < tokens.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as("token case " + i).isEqualTo(401);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_token");
            assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
          }
          ctx.completeNow();
        })));
  }

  @Test
  void missingAuthorizationIs401(VertxTestContext ctx) {
    relay.http.get("/v1/practices").send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_token");
      ctx.completeNow();
    })));
  }

  private static JsonObject claims() {
    return new JsonObject().put("sub", relay.integrator(0).getString("clientId"))
        .put("iss", "pms-relay").put("aud", "pms-relay-api");
  }

  private static String sign(JsonObject jwk, JsonObject claims, int expiresInSeconds) {
    JWTAuth auth = JWTAuth.create(relay.vertx(), new JWTAuthOptions().addJwk(jwk));
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setExpiresInSeconds(expiresInSeconds));
  }

  private static String unsigned(JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    payload.put("sub", relay.integrator(1).getString("clientId"));
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
  }

  private static JsonObject header(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
  }

  /** A fresh P-256 key that claims the relay's kid: its signatures must not verify. */
  private static JsonObject generatedKeyWithKid(String kid) {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      java.security.KeyPair pair = g.generateKeyPair();
      java.security.interfaces.ECPublicKey pub = (java.security.interfaces.ECPublicKey) pair.getPublic();
      java.security.interfaces.ECPrivateKey priv = (java.security.interfaces.ECPrivateKey) pair.getPrivate();
      return new JsonObject().put("kty", "EC").put("crv", "P-256").put("alg", "ES256").put("kid", kid)
          .put("x", b64(pub.getW().getAffineX())).put("y", b64(pub.getW().getAffineY())).put("d", b64(priv.getS()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(java.math.BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] fixed = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, fixed, 32 - n, n);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }
}
