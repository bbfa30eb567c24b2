package com.pmsrelay.agent.update;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The agent's update state across restarts, in {@code update-state.json}: a trial under way
 * ({@code trial}: the new version, the one before it, when it started), a rollback not yet
 * reported to the cloud ({@code rolledBack}: version, reason, when), and the versions this agent
 * will not take again ({@code refused}: they failed their checks or their trial). Written whole,
 * by rename, so a crash leaves the old file or the new one.
 */
public final class UpdateState {
  public static final String FILE = "update-state.json";

  private final Path file;
  private JsonObject state;

  private UpdateState(Path file, JsonObject state) {
    this.file = file;
    this.state = state;
  }

  /** Reads the state (an unreadable file counts as none: the agent then just runs the jar in place). */
  public static UpdateState load(Path dir) {
    Path file = dir.resolve(FILE);
    JsonObject state = new JsonObject();
    try {
      if (Files.isRegularFile(file)) {
        state = new JsonObject(Files.readString(file));
      }
    } catch (IOException | RuntimeException e) {
      state = new JsonObject();
    }
    return new UpdateState(file, state);
  }

  public JsonObject trial() {
    return state.getValue("trial") instanceof JsonObject t ? t : null;
  }

  public JsonObject rolledBack() {
    return state.getValue("rolledBack") instanceof JsonObject r ? r : null;
  }

  public boolean refuses(String version) {
    return state.getValue("refused") instanceof JsonArray list && list.contains(version);
  }

  public void startTrial(String version, String previous, long atMs) throws IOException {
    state.put("trial", new JsonObject().put("version", version).put("previous", previous).put("startedAtMs", atMs));
    save();
  }

  public void trialPassed() throws IOException {
    state.remove("trial");
    save();
  }

  public void rolledBack(String version, String reason, long atMs) throws IOException {
    state.remove("trial");
    state.put("rolledBack", new JsonObject().put("version", version).put("reason", reason).put("atMs", atMs));
    refuse(version);
  }

  public void rollbackReported() throws IOException {
    state.remove("rolledBack");
    save();
  }

  public void refuse(String version) throws IOException {
    JsonArray list = state.getValue("refused") instanceof JsonArray l ? l : new JsonArray();
    if (!list.contains(version)) {
      list.add(version);
    }
    state.put("refused", list);
    save();
  }

  private void save() throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.writeString(tmp, state.encodePrettily());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
