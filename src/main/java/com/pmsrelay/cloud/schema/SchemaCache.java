package com.pmsrelay.cloud.schema;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.SchemaRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The node's schemas, by practice, catalogue and the PMS version its agent reported when it
 * connected: a second request is answered here, without the agent; an agent that reconnects with
 * another version (the PMS was upgraded) is asked again. Bounded by size (the schemas' encoded
 * bytes) and by age. Requests for one schema that is being read wait for that one read.
 *
 * <p>Every request first asks the node holding the agent's socket (anywhere in the cluster) what
 * the agent said of itself: no answer is 503 {@code agent_offline}, an agent that does not list
 * schema discovery among its features is 501 {@code agent_outdated}, a catalogue it does not serve
 * is 404 {@code catalogue_not_found}. A version the agent did not report (its database was down
 * when it connected) is never cached.
 */
public final class SchemaCache {
  /** How long the node holding the agent's socket may take to say what the agent reported. */
  private static final long ASK_TIMEOUT_MS = 1_000;
  /** Retry-After for an agent that is not connected, as for queries. */
  private static final int AGENT_RETRY_SECONDS = 5;

  /** Who asks, and the limits of their grant (the read runs for them at the agent, under those). */
  public record Asker(String practiceId, String clientId, int weight, int maxTimeoutMs, int maxQueueTimeoutMs) {}

  /** A schema and whether it came from this node's cache. */
  public record Lookup(Schema schema, boolean cached) {}

  record Key(String practiceId, String catalogue, String pmsVersion) {}

  private final Vertx vertx;
  private final QueryDispatcher dispatcher;
  private final SchemaConfig config;
  private final AsyncCache<Key, Schema> cache;
  private final DeliveryOptions ask = new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS);

  public SchemaCache(Vertx vertx, QueryDispatcher dispatcher, SchemaConfig config) {
    this.vertx = vertx;
    this.dispatcher = dispatcher;
    this.config = config;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(config.cacheMaxBytes())
        .weigher((Key k, Schema s) -> (int) Math.min(Integer.MAX_VALUE, s.bytes()))
        .expireAfterWrite(Duration.ofMillis(config.cacheTtlMs()))
        .buildAsync();
  }

  /** The schema of {@code catalogue} (null: the agent's default) at the asker's practice. */
  public Future<Lookup> lookup(Asker asker, String catalogue) {
    Context context = vertx.getOrCreateContext();
    return reported(asker.practiceId()).compose(agent -> {
      JsonArray catalogues = agent.getValue("catalogues") instanceof JsonArray c ? c : new JsonArray();
      if (!(agent.getValue("features") instanceof JsonArray features) || !features.contains(SchemaRequest.FEATURE)) {
        return Future.failedFuture(new RelayException(ErrorCode.AGENT_OUTDATED,
            "the practice's agent is too old to list its tables; the practice needs to update it"));
      }
      String resolved = catalogue != null ? catalogue : catalogues.isEmpty() ? null : catalogues.getString(0);
      if (resolved == null) {
        return Future.failedFuture(new RelayException(ErrorCode.CATALOGUE_NOT_FOUND,
            "the practice's agent did not say which catalogues it serves"));
      }
      if (!catalogues.contains(resolved)) {
        return Future.failedFuture(new RelayException(ErrorCode.CATALOGUE_NOT_FOUND,
            "the practice's agent serves no catalogue named '" + resolved + "'; leave 'catalogue' out for its default"));
      }
      String pmsVersion = agent.getValue("pmsVersion") instanceof String v ? v : null;
      SchemaRequest request = new SchemaRequest(UUID.randomUUID().toString(), asker.practiceId(), asker.clientId(),
          resolved, Math.min(config.timeoutMs(), asker.maxTimeoutMs()),
          Math.min(config.queueTimeoutMs(), asker.maxQueueTimeoutMs()), config.maxBytes(), asker.weight(),
          QueryRequest.DEFAULT_CREDIT);
      if (pmsVersion == null || config.cacheMaxBytes() == 0) {
        return SchemaLoad.start(dispatcher, request, pmsVersion).map(s -> new Lookup(s, false));
      }
      Key key = new Key(asker.practiceId(), resolved, pmsVersion);
      CompletableFuture<Schema> present = cache.getIfPresent(key);
      boolean cached = present != null && present.isDone() && !present.isCompletedExceptionally();
      CompletableFuture<Schema> schema = cache.get(key, (k, executor) -> load(request, k, context));
      return Future.fromCompletionStage(schema, context).map(s -> new Lookup(s, cached));
    });
  }

  /** Reads the schema from the agent; once read, the practice's older versions of it are dropped. */
  private CompletableFuture<Schema> load(SchemaRequest request, Key key, Context context) {
    return SchemaLoad.start(dispatcher, request, key.pmsVersion())
        .onSuccess(s -> context.runOnContext(v -> cache.synchronous().asMap().keySet().removeIf(k ->
            k.practiceId().equals(key.practiceId()) && k.catalogue().equals(key.catalogue())
                && !Objects.equals(k.pmsVersion(), key.pmsVersion()))))
        .toCompletionStage().toCompletableFuture();
  }

  /**
   * What the practice's agent reported when it connected ({@code pmsVersion}, {@code catalogues},
   * {@code features}), asked of the node that holds its socket.
   */
  private Future<JsonObject> reported(String practiceId) {
    return vertx.eventBus().<JsonObject>request(Addresses.practice(practiceId), QueryRequest.status(), ask)
        .map(reply -> reply.body())
        .recover(e -> Future.failedFuture(new RelayException(ErrorCode.AGENT_OFFLINE,
            "the practice's agent is not connected", AGENT_RETRY_SECONDS)));
  }

  /** How many schemas this node holds now (for tests and the operator). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }
}
