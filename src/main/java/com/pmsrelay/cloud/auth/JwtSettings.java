package com.pmsrelay.cloud.auth;

import com.pmsrelay.common.config.ConfigReader;

/** The claims every token carries and checks: issuer, audience and lifetime. */
public record JwtSettings(String issuer, String audience, int ttlSeconds) {
  public static JwtSettings from(ConfigReader jwt) {
    return new JwtSettings(jwt.string("issuer"), jwt.string("audience"), jwt.integer("ttlSeconds", 60, 86_400));
  }
}
