package com.pmsrelay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The jar's arguments: a mode word, then {@code --option value} pairs and free words. */
record CommandLine(String mode, Path configFile, Integer port, Path dataDir, Integer nodes, List<String> words) {

  static CommandLine parse(String[] args) {
    if (args.length == 0) {
      return new CommandLine(null, null, null, null, null, List.of());
    }
    Path config = null;
    Integer port = null;
    Path dataDir = null;
    Integer nodes = null;
    List<String> words = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> config = Path.of(value(args, ++i, arg));
        case "--port" -> port = port(value(args, ++i, arg));
        case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
        case "--nodes" -> nodes = nodes(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + arg);
          }
          words.add(arg);
        }
      }
    }
    return new CommandLine(args[0], config, port, dataDir, nodes, List.copyOf(words));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int nodes(String text) {
    if (text.matches("[1-9]")) {
      return Integer.parseInt(text);
    }
    throw new IllegalArgumentException("--nodes must be a number from 1 to 9");
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("--port must be a number from 0 to 65535");
  }
}
