package com.pmsrelay.cloud.edge;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as a load balancer writes them (haproxy.org/download/2.9/doc/proxy-protocol.txt),
 * built here byte by byte rather than with Netty's encoder, so that the tests check the wire format
 * and not the library against itself.
 */
public final class ProxyHeaders {
  /** The v2 signature: \r\n\r\n\0\r\nQUIT\n. */
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private ProxyHeaders() {}

  /** A v1 (text) header: {@code PROXY TCP4 src dst srcPort dstPort\r\n} (TCP6 for IPv6 addresses). */
  public static byte[] v1(String source, int sourcePort, String destination, int destinationPort) {
    String family = source.contains(":") ? "TCP6" : "TCP4";
    return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A v2 (binary) header, command PROXY, over TCP, IPv4 or IPv6 by the addresses given. */
  public static byte[] v2(String source, int sourcePort, String destination, int destinationPort) {
    byte[] src = literal(source);
    byte[] dst = literal(destination);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(V2_SIGNATURE);
    out.write(0x21); // version 2, command PROXY
    out.write(src.length == 4 ? 0x11 : 0x21); // AF_INET or AF_INET6, over STREAM
    int length = 2 * src.length + 4;
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(src);
    out.writeBytes(dst);
    out.write(sourcePort >> 8);
    out.write(sourcePort & 0xff);
    out.write(destinationPort >> 8);
    out.write(destinationPort & 0xff);
    return out.toByteArray();
  }

  /** A v2 LOCAL header (a load balancer's own health check): no client address, the peer's stands. */
  public static byte[] v2Local() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(V2_SIGNATURE);
    out.write(0x20); // version 2, command LOCAL
    out.write(0x00); // AF_UNSPEC
    out.write(0);
    out.write(0);
    return out.toByteArray();
  }

  private static byte[] literal(String address) {
    try {
      return InetAddress.getByName(address).getAddress(); // literals only in these tests: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }
}
