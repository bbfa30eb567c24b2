package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.bridge.LiveAgentStatus;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.async.AsyncQueries;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.console.ConsoleApi;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The cloud's HTTP edge: integrator API, JWKS and health. The node deploys several instances that
 * share one port, each on its own event loop; what they must share (rate limits, caches, the token
 * service, the SQL guard's verdicts) comes in {@link Parts}, made once by the node. An instance
 * makes only what is its own: its router, its server, its endpoints' queries underway.
 */
public final class HttpApi extends VerticleBase {
  /**
   * What the API needs from the rest of the cloud node, the same for every instance; {@code bearer}
   * checks the access tokens, {@code queryRates} and {@code pairingRates} are the node's limiters,
   * {@code tokenThrottle} its throttle of failed token requests.
   * {@code connectionCap} counts every instance's connections per client address;
   * {@code proxyHeaderRefusals} logs connections refused for want of a PROXY protocol header.
   */
  public record Parts(
      CloudConfig config,
      Database database,
      TokenService tokens,
      TokenVerifier bearer,
      IntegratorStore integrators,
      GrantStore grants,
      AuditStore audit,
      PairingStore pairings,
      ChangeStore changes,
      QueryDispatcher dispatcher,
      ConsoleApi console,
      BooleanSupplier bridgeListening,
      QueryRecordStore queryRecords,
      ResultFiles results,
      AsyncQueries async,
      RateLimiter queryRates,
      RateLimiter pairingRates,
      SqlGuard guard,
      com.pmsrelay.cloud.cluster.ClusterView cluster,
      com.pmsrelay.cloud.throttle.FailureThrottle tokenThrottle,
      ConnectionCap connectionCap,
      com.pmsrelay.cloud.edge.ProxyHeaderRefusals proxyHeaderRefusals,
      com.pmsrelay.cloud.schema.SchemaCache schemas,
      com.pmsrelay.cloud.registered.RegisteredQueries registered,
      com.pmsrelay.cloud.webhook.Webhooks webhooks,
      com.pmsrelay.cloud.metrics.RelayMeters meters) {}

  private final Parts parts;
  private Router router;
  private HttpServer server;
  private QueriesEndpoint queries;
  private SchemaEndpoint schema;
  /** Set when the node begins to shut down: /ready answers 503 so that load balancers look elsewhere. */
  private volatile boolean draining;

  public HttpApi(Parts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    CloudConfig config = parts.config();
    router = Router.router(vertx);
    BearerAuth bearer = new BearerAuth(parts.bearer(), parts.integrators());
    com.pmsrelay.cloud.edge.ClientAddress clients = config.http().clientAddress();
    TokenEndpoint token = new TokenEndpoint(parts.tokens(), parts.integrators(), parts.tokenThrottle(), clients);
    PracticesEndpoint practices = new PracticesEndpoint(parts.grants(),
        new LiveAgentStatus(vertx, Duration.ofMillis(config.bridge().heartbeatTimeoutMs())));
    KeptQueries kept = new KeptQueries(vertx, parts.queryRecords(), parts.results(), parts.async(), parts.dispatcher());
    queries = new QueriesEndpoint(parts.grants(), parts.dispatcher(), config.queries(), parts.queryRates(),
        parts.guard(), parts.audit(), kept, parts.meters());
    schema = new SchemaEndpoint(parts.grants(), parts.queryRates(), parts.audit(), parts.schemas());
    QueryResultsEndpoint results = new QueryResultsEndpoint(parts.queryRecords(), parts.results(), parts.async());

    ApiConnections connections = new ApiConnections(vertx, config.http(), parts.connectionCap(), clients);
    boolean hsts = config.http().tls().hsts();
    router.route().handler(ctx -> {
      EdgeHeaders.apply(ctx.response(), hsts);
      connections.begun(ctx);
      ctx.next();
    });
    router.get("/health").handler(ctx -> Json.ok(ctx, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    router.get("/.well-known/jwks.json").handler(ctx -> Json.ok(ctx, parts.tokens().jwks()));

    // Every token request counted by how it was answered, a body refused as too large included.
    router.post("/v1/token").handler(ctx -> {
      ctx.addEndHandler(v -> parts.meters().tokenRequest(ctx.response().getStatusCode()));
      ctx.next();
    });
    // The body is read first: later handlers (token checks) are asynchronous.
    // Only on methods with a body: on others Vert.x's BodyHandler throws for a form Content-Type (a 500).
    readBody(router, "/v1/*", config.http().maxBodyBytes());
    // Before the router's own: token failures, the body handler's included, carry OAuth's fields.
    router.post("/v1/token").handler(token::handle).failureHandler(TokenErrors::handle);
    // The API's description is public: an integrator reads it before it has a token.
    ApiDescription description = new ApiDescription(vertx);
    router.get("/v1/openapi.json").handler(description::handle);
    router.route("/v1/*").handler(bearer);
    router.get("/v1/practices").handler(practices::list);
    router.get("/v1/practices/:practiceId").handler(practices::one);
    router.post("/v1/practices/:practiceId/queries").handler(queries::submit);
    RegisteredQueriesEndpoint registered = new RegisteredQueriesEndpoint(parts.grants(), parts.registered(),
        config.queries(), parts.guard());
    router.post("/v1/practices/:practiceId/registered-queries").handler(registered::create);
    router.get("/v1/registered-queries").handler(registered::list);
    router.get("/v1/registered-queries/:registrationId").handler(registered::one);
    router.delete("/v1/registered-queries/:registrationId").handler(registered::delete);
    router.get("/v1/practices/:practiceId/schema").handler(schema::get);
    router.get("/v1/queries/:queryId").handler(results::status);
    router.get("/v1/queries/:queryId/results").handler(results::results);
    router.delete("/v1/queries/:queryId").handler(results::cancel);
    PairingsEndpoint pairing = new PairingsEndpoint(parts.pairings(), parts.changes(), parts.audit(),
        parts.pairingRates(), practices);
    router.post("/v1/pairings").handler(pairing::redeem);
    WebhookEndpoint webhook = new WebhookEndpoint(vertx, parts.webhooks(), parts.audit(),
        parts.pairingRates()); // a minute's changes at once, as for pairing codes
    router.put("/v1/webhook").handler(webhook::put);
    router.get("/v1/webhook").handler(webhook::get);
    router.delete("/v1/webhook").handler(webhook::delete);
    router.get("/v1/webhook/deliveries").handler(webhook::deliveries);
    readBody(router, "/console/api/*", 64 * 1024);
    router.route("/console/api/*").subRouter(parts.console().router(vertx));
    ConsoleStatic.mount(router);
    ApiReference.mount(router);
    router.route().failureHandler(Problems::handleFailure);
    router.route().last().handler(ctx -> ctx.fail(404));

    server = vertx.createHttpServer(serverOptions(config.http()));
    if (config.http().proxyProtocol()) {
      server.exceptionHandler(parts.proxyHeaderRefusals()::failed);
    }
    server.connectionHandler(connections::opened)
        .invalidRequestHandler(request -> {
          connections.invalid(request);
          Problems.sendCodecError(request, hsts);
        })
        .requestHandler(request -> {
          if (!PathCheck.wellEscaped(request.uri())) {
            EdgeHeaders.apply(request.response(), hsts);
            com.pmsrelay.common.error.RelayException malformed = new com.pmsrelay.common.error.RelayException(
                com.pmsrelay.common.error.ErrorCode.INVALID_REQUEST, "the request target holds a malformed %-escape");
            if (request.method() == io.vertx.core.http.HttpMethod.POST && request.path().startsWith("/v1/token")) {
              Problems.sendOAuth(request.response(), malformed, TokenErrors.INVALID_REQUEST);
            } else {
              Problems.send(request.response(), malformed, null);
            }
            return;
          }
          router.handle(request);
        });
    return server.listen();
  }

  /**
   * HTTP/1.1 only (no h2c, no ALPN): the edge's time-outs and cap count HTTP/1.1 connections, and
   * one request at a time per connection is all an integrator's client needs. With TLS, the
   * handshake must finish within the header time-out; with the PROXY protocol, its header (which
   * comes before TLS) too.
   */
  static HttpServerOptions serverOptions(CloudConfig.HttpConfig http) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setMaxFormAttributeSize(8192)
        .setHttp2ClearTextEnabled(false)
        .setUseAlpn(false);
    if (http.proxyProtocol()) {
      options.setUseProxyProtocol(true)
          .setProxyProtocolTimeout(http.headerTimeoutMs())
          .setProxyProtocolTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    if (http.tls().enabled()) {
      options.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(http.tls().certPath()).setKeyPath(http.tls().keyPath()))
          .setSslHandshakeTimeout(http.headerTimeoutMs())
          .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return options;
  }

  /** Reads the body up to {@code limit} bytes; a 413 names the limit (see {@link Problems#fromStatus}). */
  private static void readBody(Router router, String path, long limit) {
    // Its own route: Vert.x Web allows no handler before a BodyHandler on one route.
    bodied(router.route(path)).handler(ctx -> {
      ctx.put(Problems.BODY_LIMIT, limit);
      ctx.next();
    });
    bodied(router.route(path)).handler(BodyHandler.create(false).setBodyLimit(limit));
  }

  private static io.vertx.ext.web.Route bodied(io.vertx.ext.web.Route route) {
    return route.method(io.vertx.core.http.HttpMethod.POST).method(io.vertx.core.http.HttpMethod.PUT)
        .method(io.vertx.core.http.HttpMethod.PATCH).method(io.vertx.core.http.HttpMethod.DELETE);
  }

  private void ready(io.vertx.ext.web.RoutingContext ctx) {
    if (draining) {
      ctx.response().setStatusCode(503);
      Json.ok(ctx, new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("shutdown", "DRAINING")));
      return;
    }
    parts.database().ping().otherwise(false).onComplete(store -> {
      boolean storeUp = store.result();
      boolean bridgeUp = parts.bridgeListening().getAsBoolean();
      JsonObject body = new JsonObject()
          .put("status", storeUp && bridgeUp ? "UP" : "DOWN")
          .put("checks", new JsonObject().put("store", storeUp ? "UP" : "DOWN").put("bridge", bridgeUp ? "UP" : "DOWN"));
      if (parts.config().cluster().enabled()) {
        // The nodes this one sees: a load balancer's or an operator's view of a lost or rejoined node.
        body.put("cluster", new JsonObject().put("nodes", parts.cluster().nodes().size()));
      }
      ctx.response().setStatusCode(storeUp && bridgeUp ? 200 : 503);
      Json.ok(ctx, body);
    });
  }

  /**
   * The first step of a graceful stop, for this instance (the node drains each): /ready turns 503,
   * new queries get 503 {@code shutting_down}, queries underway get {@code graceMs} to finish, and
   * the rest are ended with 503.
   */
  public Future<Void> drain(long graceMs) {
    draining = true;
    queries.refuseNew();
    schema.refuseNew();
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    context.runOnContext(v -> queries.drain(vertx, graceMs).onComplete(drained));
    return drained.future();
  }

  @Override
  public Future<?> stop() {
    // Answers being written still go out; idle keep-alive connections are closed.
    return server.shutdown(2, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * The routes of the integrator API, as {@code "METHOD /path"} with path parameters in OpenAPI's
   * {@code {name}} form: every {@code /v1} route with a method, and the public ones beside it
   * (JWKS, health). Tests compare them with the OpenAPI description, so that no endpoint goes undescribed.
   */
  public java.util.List<String> apiRoutes() {
    java.util.List<String> routes = new java.util.ArrayList<>();
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || path.endsWith("/")
          || !(path.startsWith("/v1/") || path.equals("/health") || path.equals("/ready") || path.startsWith("/.well-known/"))) {
        continue;
      }
      for (io.vertx.core.http.HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + path.replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
      }
    }
    return routes;
  }

  /** The port bound, the same for every instance (they share the server). */
  public int actualPort() {
    return server.actualPort();
  }
}
