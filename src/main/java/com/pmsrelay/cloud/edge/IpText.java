package com.pmsrelay.cloud.edge;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP literals as text and bytes, without DNS: {@link InetAddress#getByName} would look a name up,
 * so text is parsed by Netty's literal parser only. An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is the IPv4 address it maps, so that one client has one key.
 */
final class IpText {
  private IpText() {}

  /** The address's bytes (4 or 16), or null when {@code text} is not an IP literal. */
  static byte[] bytes(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    byte[] raw = NetUtil.createByteArrayFromIpAddressString(text);
    if (raw == null || (raw.length != 4 && raw.length != 16)) {
      return null;
    }
    if (raw.length == 16 && mappedIpv4(raw)) {
      return new byte[] {raw[12], raw[13], raw[14], raw[15]};
    }
    return raw;
  }

  /** The address as Java writes it (as Vert.x reports a peer: {@code 2001:db8:0:0:0:0:0:1}). */
  static String text(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + address.length + " bytes", e);
    }
  }

  private static boolean mappedIpv4(byte[] raw) {
    for (int i = 0; i < 10; i++) {
      if (raw[i] != 0) {
        return false;
      }
    }
    return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
  }
}
