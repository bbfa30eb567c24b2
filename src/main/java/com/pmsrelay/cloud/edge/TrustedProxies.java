package com.pmsrelay.cloud.edge;

import com.pmsrelay.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose forwarded headers name the client ({@code http.trustedProxies}): addresses and
 * CIDR blocks, IPv4 and IPv6. Empty (the default) trusts no one. Entries are IP literals only (a
 * host name would need DNS at each request and could change under us); a block with host bits set
 * or a /0 (everyone: any client could name its own address) is refused at start.
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  /** One block: the network's bytes (4 or 16) and its prefix length. */
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Block> blocks;
  private final List<String> entries;

  private TrustedProxies(List<Block> blocks, List<String> entries) {
    this.blocks = blocks;
    this.entries = entries;
  }

  /** Trusts no one. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * Parses the entries of config key {@code key}; throws a one-line {@link ConfigException} naming
   * the key and the first bad entry.
   */
  public static TrustedProxies parse(String key, List<?> raw) {
    List<Block> blocks = new ArrayList<>();
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Object value = raw.get(i);
      if (!(value instanceof String text) || text.isBlank()) {
        throw new ConfigException("config key '" + key + "': entry " + (i + 1)
            + " must be an IP address or CIDR block as a string, e.g. \"10.0.0.0/8\" or \"2001:db8::/32\"");
      }
      String entry = text.trim();
      blocks.add(block(key, entry));
      entries.add(entry);
    }
    return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(blocks), List.copyOf(entries));
  }

  private static Block block(String key, String entry) {
    int slash = entry.indexOf('/');
    String host = slash < 0 ? entry : entry.substring(0, slash);
    byte[] network = IpText.bytes(host);
    if (network == null) {
      throw new ConfigException("config key '" + key + "': '" + oneLine(entry)
          + "' is not an IP address or CIDR block (IP literals only, no host names), e.g. 10.0.0.0/8 or 2001:db8::/32");
    }
    int bits = network.length * 8;
    if (slash < 0) {
      return new Block(network, bits);
    }
    String suffix = entry.substring(slash + 1);
    int prefix;
    try {
      prefix = suffix.matches("\\d{1,3}") ? Integer.parseInt(suffix) : -1;
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 1 || prefix > bits) {
      throw new ConfigException("config key '" + key + "': '" + oneLine(entry) + "' needs a prefix length from 1 to "
          + bits + (prefix == 0 ? " (a /0 would trust every address: any client could name its own)" : ""));
    }
    Block block = new Block(network, prefix);
    byte[] masked = masked(network, prefix);
    if (!java.util.Arrays.equals(masked, network)) {
      throw new ConfigException("config key '" + key + "': '" + oneLine(entry) + "' has bits set past its /" + prefix
          + " prefix: did you mean " + IpText.text(masked) + "/" + prefix + " or " + host + " alone?");
    }
    return block;
  }

  private static byte[] masked(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
    }
    return out;
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("[\\p{Cntrl}]", "?");
    return flat.length() > 64 ? flat.substring(0, 64) + "…" : flat;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Whether the address (raw bytes, IPv4-mapped IPv6 already folded to IPv4) is a trusted proxy's. */
  boolean trusts(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the address given as text (an IP literal, as a socket reports it) is a trusted proxy's. */
  public boolean trusts(String address) {
    return !blocks.isEmpty() && address != null && trusts(IpText.bytes(address));
  }

  /** The entries as configured, for the start-up log. */
  public List<String> entries() {
    return entries;
  }
}
