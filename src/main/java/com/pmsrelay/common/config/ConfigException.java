package com.pmsrelay.common.config;

/** Start-up configuration is invalid; the message names the offending key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
