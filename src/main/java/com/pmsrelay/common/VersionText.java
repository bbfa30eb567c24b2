package com.pmsrelay.common;

import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints for every command: {@code pms-relay <version>}. */
public final class VersionText implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"pms-relay " + Version.current()};
  }
}
