package com.pmsrelay.cloud.webhook;

import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.Version;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's notices to the integrators' webhooks, on every cloud node: every {@code
 * pollMs} (and at once when this node announces a notice or finishes an attempt) it leases due
 * notices ({@link WebhookStore#due}, {@link WebhookStore#lease}) up to its free slots and POSTs
 * each, signed. 2xx is delivered; anything else, a time-out or a connection that fails is tried
 * again after an exponential wait with full jitter, until {@code maxAgeMs} after the notice was
 * announced, when it is given up ({@code failed}). Notices of a blocked integrator or a grant not
 * enabled wait unsent ({@link WebhookStore#due}) and are given up at the same age.
 *
 * <p>Bounds: at most {@code concurrency} attempts at once on the node and {@code perIntegrator} of
 * one integrator (a receiver that never answers holds its own slots, not the others'), each attempt
 * cut after {@code requestTimeoutMs} from start to end, no redirect followed, at most {@code
 * maxResponseBytes} of the answer read. The URL is checked again before each attempt and the
 * connection made to the address that check resolved.
 *
 * <p>Its state is confined to its verticle's context: store and HTTP futures complete there, and
 * {@link #poke} hops onto it.
 */
public final class WebhookDeliverer implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
  private static final long PURGE_EVERY_MS = TimeUnit.MINUTES.toMillis(10);

  private final Vertx vertx;
  private final WebhookStore store;
  private final WebhookTarget target;
  private final WebhooksConfig config;
  private final String userAgent = "pms-relay/" + Version.current();
  private final Map<String, Integer> inFlightByClient = new HashMap<>();
  private Context context;
  private HttpClient client;
  private long pollTimer = -1;
  private long purgeTimer = -1;
  private int inFlight;
  private boolean polling;
  /** A poke arrived while polling: poll again once this round ends. */
  private boolean again;
  private volatile boolean stopped;

  public WebhookDeliverer(Vertx vertx, WebhookStore store, WebhookTarget target, WebhooksConfig config) {
    this.vertx = vertx;
    this.store = store;
    this.target = target;
    this.config = config;
  }

  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setUseAlpn(false)
        .setKeepAlive(false) // each attempt checks and connects anew
        .setVerifyHost(true)
        .setTrustAll(false)
        .setMaxRedirects(0)
        .setMaxHeaderSize(8192)
        .setConnectTimeout((int) config.requestTimeoutMs()),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(config.concurrency()));
    pollTimer = vertx.setPeriodic(config.pollMs(), id -> poll());
    purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, id -> tidy(System.currentTimeMillis()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(purgeTimer);
    // Attempts under way are cut; their leases run out and the notices are sent again (at least once).
    return client == null ? Future.succeededFuture() : client.close();
  }

  /**
   * Gives up the notices held back (integrator blocked, grant not enabled) past their maximum age,
   * and removes settled ones older than {@code keepDays}.
   */
  Future<Void> tidy(long nowMs) {
    return store.giveUpOlderThan(nowMs - config.maxAgeMs(), nowMs)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("webhooks: gave up {} notices held back past {} ms while their integrator was blocked or their "
                + "grant not enabled", n, config.maxAgeMs());
          }
        })
        .compose(given -> store.purge(nowMs - TimeUnit.DAYS.toMillis(config.keepDays())))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("webhooks: removed {} settled deliveries older than {} days", n, config.keepDays());
          }
        })
        .onFailure(e -> LOG.warn("webhooks: tidying the outbox failed: {}", e.toString()))
        .mapEmpty();
  }

  /** Looks for due notices now (a notice was just announced): from any thread. */
  public void poke() {
    Context home = context;
    if (home != null && !stopped) {
      home.runOnContext(v -> poll());
    }
  }

  private void poll() {
    if (stopped) {
      return;
    }
    if (polling) {
      again = true;
      return;
    }
    int free = config.concurrency() - inFlight;
    if (free <= 0) {
      return;
    }
    polling = true;
    again = false;
    long now = System.currentTimeMillis();
    // More than the free slots: some belong to integrators at their cap here, or another node leases them first.
    store.due(now, config.perIntegrator(), Math.min(1_000, free * 4 + 16))
        .compose(due -> leaseInTurn(due, now))
        .onComplete(done -> {
          polling = false;
          if (done.failed()) {
            LOG.warn("webhooks: looking for due deliveries failed: {}", done.cause().toString());
          } else if (again) {
            poll();
          }
        });
  }

  /** Leases the due notices one after another while slots are free, starting each one leased. */
  private Future<Void> leaseInTurn(List<Delivery> due, long now) {
    Future<Void> chain = Future.succeededFuture();
    for (Delivery d : due) {
      chain = chain.compose(v -> {
        if (stopped || inFlight >= config.concurrency()
            || inFlightByClient.getOrDefault(d.clientId(), 0) >= config.perIntegrator()) {
          return Future.succeededFuture();
        }
        // Counted before the lease is asked for, so that the next candidate sees this one's slot.
        begin(d);
        return store.lease(d, now, config.leaseMs()).map(leased -> {
          if (leased.isPresent()) {
            attempt(leased.get());
          } else {
            end(d);
          }
          return null;
        }).otherwise(e -> {
          end(d);
          return null;
        }).mapEmpty();
      });
    }
    return chain;
  }

  private void begin(Delivery d) {
    inFlight++;
    inFlightByClient.merge(d.clientId(), 1, Integer::sum);
  }

  private void end(Delivery d) {
    inFlight--;
    inFlightByClient.computeIfPresent(d.clientId(), (k, n) -> n <= 1 ? null : n - 1);
  }

  /** One attempt at a leased notice, its outcome recorded, then its slot freed. */
  private void attempt(Delivery d) {
    long started = System.currentTimeMillis();
    store.find(d.clientId())
        .compose(hook -> {
          if (hook.isEmpty()) {
            return store.finish(d, Delivery.DROPPED, started, "webhook_not_set", null).mapEmpty();
          }
          return send(d, hook.get()).compose(status -> record(d, started, status));
        })
        .onComplete(done -> {
          if (done.failed()) {
            LOG.warn("webhooks: recording delivery {} of {} failed: {}", d.deliveryId(), d.clientId(),
                done.cause().toString());
          }
          end(d);
          poll(); // the next notice of its registration may be due now
        });
  }

  /** The receiver's HTTP status as text, or what went wrong before one came. */
  private Future<String> send(Delivery d, WebhookStore.Webhook hook) {
    String secret;
    try {
      secret = store.secret(hook);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      LOG.warn("webhooks: the secret of {}'s webhook does not open under this node's master key", d.clientId());
      return Future.succeededFuture("secret_unreadable");
    }
    // The lookup bounded too: a lease must outlast the whole attempt, lookup included.
    return target.check(vertx, hook.url())
        .timeout(config.requestTimeoutMs(), TimeUnit.MILLISECONDS)
        .compose(checked -> post(d, checked, secret), e -> Future.succeededFuture(
            e instanceof RelayException ? "address_refused" : "dns_failed"))
        .otherwise(e -> "error");
  }

  private Future<String> post(Delivery d, WebhookTarget.Checked checked, String secret) {
    Buffer body = d.payload().toBuffer();
    long timestamp = System.currentTimeMillis() / 1000;
    String host = checked.address() instanceof Inet6Address && checked.host().contains(":")
        ? "[" + checked.host() + "]" : checked.host();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(checked.port(), checked.address().getHostAddress()))
        .setHost(host)
        .setPort(checked.port())
        .setSsl(checked.ssl())
        .setURI(checked.requestUri())
        .setFollowRedirects(false)
        .setConnectTimeout(config.requestTimeoutMs())
        .setIdleTimeout(config.requestTimeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", userAgent)
        .putHeader("X-Relay-Id", d.deliveryId())
        .putHeader("X-Relay-Timestamp", Long.toString(timestamp))
        .putHeader("X-Relay-Signature-256", WebhookSignature.sign(secret, timestamp, body.getBytes()));
    Promise<String> outcome = Promise.promise();
    boolean[] timedOut = {false};
    io.vertx.core.http.HttpClientRequest[] sent = {null};
    // The whole attempt, not only each silence, is bounded: a receiver that drips bytes is cut too.
    long deadline = vertx.setTimer(config.requestTimeoutMs(), id -> {
      timedOut[0] = true;
      if (sent[0] != null) {
        sent[0].reset();
      }
      outcome.tryComplete("timeout");
    });
    client.request(options)
        .compose(request -> {
          sent[0] = request;
          if (timedOut[0]) {
            request.reset();
          }
          return request.send(body);
        })
        .onSuccess(response -> {
          String status = Integer.toString(response.statusCode());
          long[] read = {0};
          response.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > config.maxResponseBytes()) {
              sent[0].reset(); // the answer's body is not ours to read beyond a few KB
              outcome.tryComplete(status);
            }
          });
          response.exceptionHandler(e -> outcome.tryComplete(status));
          response.endHandler(v -> outcome.tryComplete(status));
        })
        .onFailure(e -> outcome.tryComplete(timedOut[0] ? "timeout" : failureKind(e)));
    return outcome.future().andThen(done -> vertx.cancelTimer(deadline));
  }

  private static String failureKind(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException || e instanceof io.netty.handler.timeout.TimeoutException) {
      return "timeout";
    }
    if (e instanceof java.net.ConnectException || e instanceof io.netty.channel.ConnectTimeoutException) {
      return "connect_failed";
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "tls_failed";
    }
    return "connection_failed";
  }

  /** Delivered on 2xx; otherwise tried again after a jittered wait, or given up past the notice's maximum age. */
  private Future<Void> record(Delivery d, long attemptAt, String status) {
    if (status.length() == 3 && status.charAt(0) == '2') {
      return store.finish(d, Delivery.DELIVERED, attemptAt, status, null).mapEmpty();
    }
    long now = System.currentTimeMillis();
    long next = now + backoffMs(d.attempts() + 1);
    if (next - d.createdAtMs() > config.maxAgeMs()) {
      LOG.warn("webhooks: delivery {} to {} given up after {} attempts (last: {})", d.deliveryId(), d.clientId(),
          d.attempts() + 1, status);
      return store.finish(d, Delivery.FAILED, attemptAt, status, null).mapEmpty();
    }
    LOG.debug("webhooks: delivery {} to {} attempt {} failed ({}), next in {} ms", d.deliveryId(), d.clientId(),
        d.attempts() + 1, status, next - now);
    return store.finish(d, Delivery.PENDING, attemptAt, status, next).mapEmpty();
  }

  /** Full jitter: uniformly up to base·2^(failures-1), that bound capped at backoffMaxMs. */
  long backoffMs(int failures) {
    long bound = config.backoffBaseMs();
    for (int i = 1; i < failures && bound < config.backoffMaxMs(); i++) {
      bound *= 2;
    }
    bound = Math.min(bound, config.backoffMaxMs());
    return ThreadLocalRandom.current().nextLong(bound + 1);
  }
}
