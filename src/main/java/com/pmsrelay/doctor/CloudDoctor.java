package com.pmsrelay.doctor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

final class CloudDoctor {
  private final Doctor.Settings settings;

  CloudDoctor(Doctor.Settings settings) {
    this.settings = settings;
  }

  List<Check> run(Path configFile, PrintStream out) {
    return List.of();
  }
}
