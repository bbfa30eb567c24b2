package com.pmsrelay.cloud.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client address of an HTTP request, the one place every per-address decision asks (failure
 * throttles, the monitor). It is the TCP peer's (with the PROXY protocol on, the address the load
 * balancer's header named), unless that peer is a trusted proxy ({@link TrustedProxies}): then it
 * is the rightmost address of the forwarded header that is not itself a trusted proxy's.
 *
 * <p>Why the rightmost: each proxy appends the address it saw, so the entries left of the first
 * trusted proxy's are whatever the client chose to send. Why one configured header: a proxy that
 * writes one header passes a client's forged copy of the other through untouched, so reading
 * "whichever is present" would let anyone name their own address. Vert.x Web's
 * {@code Router#allowForward} takes the leftmost entry from any peer, and has no list of trusted
 * proxies: it is not enabled.
 *
 * <p>An entry that is not an IP literal ({@code unknown}, an obfuscated name, garbage) where an
 * address must be read falls back to the peer: never an error, and never an address the client made up.
 */
public final class ClientAddress {
  /** Which header the trusted proxies write ({@code http.forwardedHeader}). */
  public enum Header {
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239: {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"}. */
    FORWARDED("Forwarded");

    private final String name;

    Header(String name) {
      this.name = name;
    }

    public String headerName() {
      return name;
    }

    /** The header named {@code name} (case-insensitive), or null. */
    public static Header named(String name) {
      for (Header h : values()) {
        if (h.name.equalsIgnoreCase(name)) {
          return h;
        }
      }
      return null;
    }
  }

  /** How many entries of a forwarded header are read at most, from the right: no proxy chain is longer. */
  static final int MAX_HOPS = 32;

  private final TrustedProxies trusted;
  private final Header header;

  public ClientAddress(TrustedProxies trusted, Header header) {
    this.trusted = trusted;
    this.header = header;
  }

  /** Trusts no proxy: every request's client is its TCP peer. */
  public static ClientAddress peerOnly() {
    return new ClientAddress(TrustedProxies.none(), Header.X_FORWARDED_FOR);
  }

  /** The client's address as text ({@code 203.0.113.7}, {@code 2001:db8:0:0:0:0:0:1}), or null if the peer has none. */
  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String peerHost = peer == null ? null : peer.hostAddress();
    if (peerHost == null || trusted.isEmpty() || !trusted.trusts(peerHost)) {
      return peerHost; // the common case: no header parsed at all
    }
    return resolve(peerHost, request.headers().getAll(header.headerName()));
  }

  /** Whether connections from this TCP peer come from a trusted proxy (they carry many clients). */
  public boolean fromTrustedProxy(String peerHost) {
    return trusted.trusts(peerHost);
  }

  /**
   * The client behind {@code peerHost}, a trusted proxy, given every value of the configured
   * header in the order received (a header sent twice counts as one list).
   */
  String resolve(String peerHost, List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",", -1)) {
        hops.add(element);
      }
    }
    if (hops.isEmpty()) {
      return peerHost;
    }
    String leftmostTrusted = null;
    int examined = 0;
    for (int i = hops.size() - 1; i >= 0 && examined < MAX_HOPS; i--, examined++) {
      byte[] address = IpText.bytes(node(hops.get(i)));
      if (address == null) {
        return peerHost; // malformed where an address must be read
      }
      if (!trusted.trusts(address)) {
        return IpText.text(address);
      }
      leftmostTrusted = IpText.text(address);
    }
    // Every entry read is a trusted proxy's: the client is the first of them (as nginx's real_ip_recursive).
    return examined < MAX_HOPS ? leftmostTrusted : peerHost;
  }

  /** The address text of one hop, without quotes, brackets or port; null when there is none to read. */
  private String node(String element) {
    String text = element.trim();
    if (header == Header.FORWARDED) {
      text = forField(text);
      if (text == null) {
        return null;
      }
    }
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      text = text.substring(1, text.length() - 1).trim();
    }
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || !port(text.substring(close + 1), true)) {
        return null;
      }
      return text.substring(1, close);
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && colon == text.lastIndexOf(':')) { // IPv4 with a port (some proxies add it)
      return port(text.substring(colon), false) ? text.substring(0, colon) : null;
    }
    return text;
  }

  /** The value of the {@code for} parameter of one RFC 7239 element, or null. */
  private static String forField(String element) {
    for (String pair : element.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  /** Whether {@code rest} is empty (when allowed) or {@code :digits}. */
  private static boolean port(String rest, boolean emptyAllowed) {
    if (rest.isEmpty()) {
      return emptyAllowed;
    }
    return rest.length() <= 6 && rest.charAt(0) == ':' && rest.substring(1).matches("\\d{1,5}");
  }
}
