package com.pmsrelay.cloud.webhook;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The guard against server-side request forgery: which URLs the relay will POST to. Outside demo
 * a webhook URL must be {@code https}, carry no user info or fragment, be at most {@value
 * #MAX_URL_CHARS} characters, name its host in the usual way (an IP address only as a dotted quad
 * or in brackets, never in decimal, octal or hex), and every address its host resolves to must be
 * public: loopback, private, link-local (the cloud metadata address among them), shared (CGNAT),
 * multicast, reserved and documentation ranges are refused, IPv4 inside IPv6 (mapped, compatible,
 * NAT64, 6to4) as the IPv4 address it carries. With {@code allowLoopback} (the demo) the hosts
 * {@code 127.0.0.1}, {@code localhost} and {@code [::1]} are allowed too, over http or https.
 *
 * <p>A URL is checked when it is set and again before every delivery, and the delivery connects to
 * an address this check returned: no second lookup between the check and the connection (DNS
 * rebinding). The lookup blocks, so it runs on a worker pool of its own.
 */
public final class WebhookTarget {
  public static final int MAX_URL_CHARS = 2048;
  static final String LOOKUP_POOL = "pmsrelay-webhook-lookups";
  /** Host lookups at once, over the node's API and its deliverer. */
  static final int LOOKUP_THREADS = 8;
  /** Names the demo may use, each of which must then resolve to loopback only. */
  private static final List<String> LOOPBACK_NAMES = List.of("127.0.0.1", "localhost", "::1");
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  /** A last label that makes a browser (WHATWG URL) read the host as an IPv4 address in some form. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("(0x[0-9a-f]*|[0-9]+)");

  /** Looks a host name up (blocking); the system resolver in production, a fixed map in tests. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  public static final Resolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));

  /** A URL that passed: where to connect ({@link #address()}), and what to ask for there. */
  public record Checked(String url, boolean ssl, String host, int port, String requestUri, List<InetAddress> addresses) {
    public InetAddress address() {
      return addresses.get(0);
    }
  }

  /** A URL's parts before its host is looked up; {@code literal} is set when the host is an IP address. */
  record Parsed(String url, boolean ssl, String host, int port, String requestUri, InetAddress literal) {}

  private final Resolver resolver;
  private final boolean allowLoopback;

  public WebhookTarget(Resolver resolver, boolean allowLoopback) {
    this.resolver = resolver;
    this.allowLoopback = allowLoopback;
  }

  /**
   * The URL checked, its host looked up on a worker; fails with {@code webhook_url_refused} (a
   * {@link RelayException}) naming the reason.
   */
  public Future<Checked> check(Vertx vertx, String url) {
    Parsed parsed;
    try {
      parsed = parse(url);
    } catch (RelayException e) {
      return Future.failedFuture(e);
    }
    if (parsed.literal() != null) {
      try {
        return Future.succeededFuture(checked(parsed, List.of(parsed.literal())));
      } catch (RelayException e) {
        return Future.failedFuture(e);
      }
    }
    // On a small pool of its own: slow lookups (a host whose DNS never answers) wait there, not in
    // Vert.x's worker pool, where the store's JDBC runs. Shared by name, so every check uses one pool.
    io.vertx.core.WorkerExecutor lookups = vertx.createSharedWorkerExecutor(LOOKUP_POOL, LOOKUP_THREADS);
    return lookups.<Checked>executeBlocking(() -> {
      List<InetAddress> addresses;
      try {
        addresses = resolver.resolve(parsed.host());
      } catch (UnknownHostException e) {
        throw refused("its host " + parsed.host() + " does not resolve");
      }
      if (addresses == null || addresses.isEmpty()) {
        throw refused("its host " + parsed.host() + " does not resolve");
      }
      return checked(parsed, List.copyOf(addresses));
    }, false).eventually(lookups::close);
  }

  private Checked checked(Parsed parsed, List<InetAddress> addresses) {
    boolean loopbackName = allowLoopback && LOOPBACK_NAMES.contains(parsed.host());
    for (InetAddress address : addresses) {
      String why = loopbackName ? (address.isLoopbackAddress() ? null : "not a loopback address") : whyNotPublic(address);
      if (why != null) {
        throw refused("its host " + parsed.host() + " resolves to " + address.getHostAddress() + ", " + why
            + "; a webhook must reach a public address");
      }
    }
    return new Checked(parsed.url(), parsed.ssl(), parsed.host(), parsed.port(), parsed.requestUri(), addresses);
  }

  /** The URL's syntax checked, its host not yet looked up. */
  Parsed parse(String url) {
    if (url == null || url.isEmpty()) {
      throw refused("it is empty");
    }
    if (url.length() > MAX_URL_CHARS) {
      throw refused("it is longer than " + MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw refused("it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw refused("its scheme must be https");
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      throw refused("it names no host");
    }
    if (uri.getRawFragment() != null) {
      throw refused("it has a fragment (#...)");
    }
    String authority = uri.getRawAuthority();
    if (uri.getRawUserInfo() != null || authority.contains("@")) {
      throw refused("it carries user info (user:password@); put credentials in the path or rely on the signature");
    }
    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw refused("it is not a valid URL");
      }
      host = authority.substring(1, close).toLowerCase(Locale.ROOT);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw refused("it is not a valid URL");
        }
        portText = rest.substring(1);
      }
      if (!host.matches("[0-9a-f:.]+")) {
        throw refused("its IPv6 address is malformed or carries a zone");
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
      portText = colon < 0 ? null : authority.substring(colon + 1);
    }
    int port = scheme.equals("https") ? 443 : 80;
    if (portText != null && !portText.isEmpty()) {
      if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65_535) {
        throw refused("its port is not a number from 1 to 65535");
      }
      port = Integer.parseInt(portText);
    }
    InetAddress literal = null;
    if (authority.startsWith("[")) {
      literal = literal(host);
    } else {
      if (host.isEmpty() || !HOST_NAME.matcher(host).matches()) {
        throw refused("its host is not a plain host name (letters, digits, '-' and '.'; an internationalised name in"
            + " its xn-- form)");
      }
      String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
      String last = bare.substring(bare.lastIndexOf('.') + 1);
      if (NUMERIC_LABEL.matcher(last).matches()) {
        if (!DOTTED_QUAD.matcher(bare).matches()) {
          throw refused("its host is an IP address in an unusual form (decimal, octal or hex); write an IPv4 address "
              + "as four decimal numbers");
        }
        literal = literal(bare);
        host = bare;
      }
    }
    boolean loopbackName = allowLoopback && LOOPBACK_NAMES.contains(host);
    if (scheme.equals("http") && !loopbackName) {
      throw refused("its scheme must be https" + (allowLoopback ? " (the demo allows http to 127.0.0.1 and localhost)" : ""));
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return new Parsed(url, scheme.equals("https"), host, port, requestUri, literal);
  }

  /** An IP address written as one (no lookup is made for a literal). */
  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text.contains(":") ? "[" + text + "]" : text);
    } catch (UnknownHostException e) {
      throw refused("its IP address is malformed");
    }
  }

  /** Null when the address is public; otherwise what it is. */
  public static String whyNotPublic(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return whyNotPublicV4(b, 0);
    }
    if (!(address instanceof Inet6Address)) {
      return "not an IP address";
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    boolean first10Zero = allZero(b, 0, 10);
    if (first10Zero && allZero(b, 10, 16)) {
      return "the unspecified address";
    }
    if (first10Zero && allZero(b, 10, 15) && b[15] == 1) {
      return "loopback";
    }
    if (first10Zero && (allZero(b, 10, 12) || (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff)) {
      String embedded = whyNotPublicV4(b, 12); // IPv4-compatible or IPv4-mapped
      return embedded == null ? "IPv4 inside IPv6" : embedded + " (inside IPv6)";
    }
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
      String embedded = whyNotPublicV4(b, 12); // NAT64
      return embedded == null ? null : embedded + " (inside NAT64 IPv6)";
    }
    if (b0 == 0x20 && b1 == 0x02) {
      String embedded = whyNotPublicV4(b, 2); // 6to4
      return embedded == null ? null : embedded + " (inside 6to4 IPv6)";
    }
    if (b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0) {
      return "Teredo (IPv4 tunnelled in IPv6)";
    }
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return "a documentation address";
    }
    if (b0 == 0x01 && b1 == 0x00 && allZero(b, 2, 8)) {
      return "a discard-only address";
    }
    if ((b0 & 0xfe) == 0xfc) {
      return "private (unique local)";
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return "link-local";
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return "site-local";
    }
    if (b0 == 0xff) {
      return "multicast";
    }
    if (first10Zero) {
      return "reserved";
    }
    return null;
  }

  private static String whyNotPublicV4(byte[] bytes, int at) {
    int a = bytes[at] & 0xff;
    int b = bytes[at + 1] & 0xff;
    int c = bytes[at + 2] & 0xff;
    if (a == 0) {
      return "'this network' (0.0.0.0/8)";
    }
    if (a == 10 || a == 172 && (b & 0xf0) == 16 || a == 192 && b == 168) {
      return "private";
    }
    if (a == 127) {
      return "loopback";
    }
    if (a == 169 && b == 254) {
      return "link-local (the cloud metadata address among them)";
    }
    if (a == 100 && (b & 0xc0) == 64) {
      return "shared address space (CGNAT)";
    }
    if (a == 192 && b == 0 && (c == 0 || c == 2) || a == 198 && b == 51 && c == 100 || a == 203 && b == 0 && c == 113
        || a == 198 && (b & 0xfe) == 18 || a == 192 && b == 88 && c == 99) {
      return "reserved for special use";
    }
    if (a >= 224 && a < 240) {
      return "multicast";
    }
    if (a >= 240) {
      return "reserved or broadcast";
    }
    return null;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static RelayException refused(String why) {
    return new RelayException(ErrorCode.WEBHOOK_URL_REFUSED, "the webhook URL is refused: " + why);
  }
}
