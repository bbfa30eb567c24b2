package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker of the token-flood benchmark: {@code threads} platform threads, each with one
 * keep-alive HTTP/1.1 connection of its own, sending {@code POST /v1/token} with a wrong secret as
 * fast as the answers come back (each thread sends its next request when its answer is read). Half
 * the threads aim at one client id, half at a random client id each request. Each thread connects
 * from its own loopback address (127.0.0.x): the one-client threads are slowed by that client id's
 * throttle, the random ones by their address's. Raw sockets, so that the attacker costs the shared
 * CPU as little as possible beside the relay it attacks.
 */
final class TokenFlood implements AutoCloseable {
  private final int port;
  private final String clientId;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final Map<Integer, AtomicLong> byStatus = new java.util.concurrent.ConcurrentHashMap<>();

  /** Requests, answers by status and reconnections counted from this point (one block's). */
  record Counts(long requests, Map<Integer, Long> byStatus, long reconnects, long wallNanos) {
    double perSecond() {
      return requests * 1e9 / wallNanos;
    }

    JsonObject toJson() {
      JsonObject statuses = new JsonObject();
      byStatus.forEach((status, n) -> statuses.put(String.valueOf(status), n));
      return new JsonObject().put("requests", requests).put("perSecond", Spread.round(perSecond()))
          .put("byStatus", statuses).put("reconnects", reconnects);
    }
  }

  TokenFlood(int port, String clientId) {
    this.port = port;
    this.clientId = clientId;
  }

  /** Starts {@code count} threads: the first half on {@link #clientId}, the rest on random ids. */
  void start(int count) {
    running = true;
    for (int i = 0; i < count; i++) {
      boolean oneClient = i < count / 2;
      String local = "127.0.0." + ((oneClient ? 20 : 40) + i);
      Thread t = new Thread(() -> loop(local, oneClient), "token-flood-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  Counts snapshot(long sinceNanos, Counts since) {
    Map<Integer, Long> statuses = new TreeMap<>();
    byStatus.forEach((status, n) -> statuses.put(status, n.get() - (since == null ? 0 : since.byStatus().getOrDefault(status, 0L))));
    return new Counts(requests.get() - (since == null ? 0 : since.requests()), statuses,
        reconnects.get() - (since == null ? 0 : since.reconnects()), System.nanoTime() - sinceNanos);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(5_000); // a held answer takes up to the throttle's hold; the socket's time-out bounds the rest
    }
    threads.clear();
  }

  private void loop(String local, boolean oneClient) {
    while (running) {
      try (Socket socket = new Socket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        int n = 0;
        while (running) {
          String id = oneClient ? clientId : "cli_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
          String body = "grant_type=client_credentials&client_id=" + id + "&client_secret=pmss_wrong" + n++;
          out.write(("POST /v1/token HTTP/1.1\r\nHost: 127.0.0.1:" + port
              + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
              + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
          out.flush();
          int answer = readResponse(in);
          requests.incrementAndGet();
          byStatus.computeIfAbsent(Math.abs(answer), s -> new AtomicLong()).incrementAndGet();
          if (answer < 0) {
            break; // the server closed the connection: connect again
          }
        }
      } catch (IOException e) {
        // refused, reset or timed out: connect again
      }
      if (running) {
        reconnects.incrementAndGet();
      }
    }
  }

  /** Reads one response; answers its status, negated if the server also closes the connection. */
  private static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    int length = 0;
    boolean close = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring(15).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    in.readNBytes(length);
    return close ? -status : status;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
