package com.pmsrelay.cloud.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection written byte by byte, as the edge's attackers and clients send them
 * (a trickled head, a request line of 5,000 bytes, a second request on a kept-alive connection),
 * which no HTTP client library lets a test do. Blocking: for test threads only.
 */
final class RawHttp implements AutoCloseable {
  /** An answer as read off the wire; header names in lower case. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final long openedNanos = System.nanoTime();

  RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    return new RawHttp(socket);
  }

  /** A GET with keep-alive (HTTP/1.1's default). */
  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  RawHttp send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one answer with a Content-Length body, waiting at most {@code timeoutMs}. */
  Answer read(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("the connection closed before an answer");
    }
    Map<String, String> headers = new HashMap<>();
    for (String header = line(); header != null && !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Waits until the server closes the connection, at most {@code timeoutMs}: what it sent before
   * closing (nothing, for a connection cut without an answer), or null when still open.
   */
  String awaitClosed(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != -1; b = in.read()) {
        sent.write(b);
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (SocketException e) {
      // reset by the server: closed as well
    }
    return sent.toString(StandardCharsets.ISO_8859_1);
  }

  /** Milliseconds since the connection opened. */
  long ageMs() {
    return (System.nanoTime() - openedNanos) / 1_000_000;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
