package com.pmsrelay.cloud.keys;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A purpose's sealing keys while the master key may be rotating: the first (current) seals, any
 * of them opens what it sealed, picked by the id written with the data.
 */
public final class SealingKeys {
  private final List<SealingKey> keys;

  SealingKeys(List<SealingKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /** One key alone (tests, tools). */
  public static SealingKeys of(SealingKey key) {
    return new SealingKeys(List.of(key));
  }

  public SealingKey current() {
    return keys.get(0);
  }

  /** The key with this id, or null: data sealed under a key this node no longer has. */
  public SealingKey withId(byte[] id) {
    for (SealingKey key : keys) {
      if (key.hasId(id)) {
        return key;
      }
    }
    return null;
  }

  public String sealText(String context, String plain) {
    return current().sealText(context, plain);
  }

  /** Opens text sealed by {@link #sealText} under any of these keys. */
  public String openText(String context, String sealed) throws GeneralSecurityException {
    byte[] in = Base64.getDecoder().decode(sealed);
    SealingKey key = in.length < 8 ? null : withId(Arrays.copyOf(in, 8));
    if (key == null) {
      throw new GeneralSecurityException("sealed under a key this node does not have");
    }
    return key.openText(context, sealed);
  }

  /** Whether this sealed text is under the current key (else it is re-sealed when kept long). */
  public boolean isCurrent(String sealed) {
    byte[] in = Base64.getDecoder().decode(sealed);
    return in.length >= 8 && current().hasId(Arrays.copyOf(in, 8));
  }
}
