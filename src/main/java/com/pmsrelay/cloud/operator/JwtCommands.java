package com.pmsrelay.cloud.operator;

import picocli.CommandLine.Command;

/** {@code admin jwt …}: the access tokens' signing keys. */
@Command(name = "jwt", description = "The access tokens' signing keys.", subcommands = JwtCommands.Rotate.class)
final class JwtCommands {
  @Command(name = "rotate", description = "New token signing key; tokens of the previous one stay valid until they expire.")
  static final class Rotate implements OperatorCommand {
    @Override
    public int run(Operations ops) {
      ops.rotateSigningKey();
      return 0;
    }
  }
}
