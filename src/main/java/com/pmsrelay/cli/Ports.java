package com.pmsrelay.cli;

import com.pmsrelay.common.config.ConfigException;

/** A port given on the command line. */
final class Ports {
  private Ports() {}

  static int check(String option, int port) {
    if (port < 0 || port > 65_535) {
      throw new ConfigException(option + " must be a number from 0 to 65535");
    }
    return port;
  }
}
