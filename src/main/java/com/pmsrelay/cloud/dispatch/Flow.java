package com.pmsrelay.cloud.dispatch;

/** How a result's reader slows its stream: no more credit for the agent while paused. */
public interface Flow {
  void pause();

  void resume();
}
