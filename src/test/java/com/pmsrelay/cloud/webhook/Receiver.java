package com.pmsrelay.cloud.webhook;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on loopback (a real Vert.x HTTP server): answers the n-th request (from 0)
 * with the status {@code behaviour} gives, or never answers it when that is {@link #NEVER}, and
 * keeps every request it read.
 */
final class Receiver implements AutoCloseable {
  static final int NEVER = -1;

  record Received(long atMs, String method, String path, MultiMap headers, Buffer body, int answered) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final HttpServer server;
  private volatile IntUnaryOperator behaviour;

  private Receiver(HttpServer server, IntUnaryOperator behaviour) {
    this.server = server;
    this.behaviour = behaviour;
  }

  static Receiver start(Vertx vertx, IntUnaryOperator behaviour) {
    HttpServer server = vertx.createHttpServer();
    Receiver receiver = new Receiver(server, behaviour);
    server.requestHandler(request -> request.body().onSuccess(body -> {
      int n = receiver.count.getAndIncrement();
      int status = receiver.behaviour.applyAsInt(n);
      receiver.received.add(new Received(System.currentTimeMillis(), request.method().name(), request.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body, status));
      if (status != NEVER) {
        request.response().setStatusCode(status).end("ok");
      }
    }));
    server.listen(0, "127.0.0.1").await();
    return receiver;
  }

  static Receiver answering(Vertx vertx, int status) {
    return start(vertx, n -> status);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/relay?source=test";
  }

  /** The requests answered with a 2xx, in the order they arrived. */
  List<Received> delivered() {
    return received.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
