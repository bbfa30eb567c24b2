package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;

/**
 * One result read by two consumers (the client's answer and the kept result file): each gets every
 * part, and the stream is paused while either of them asks it to be.
 */
public final class BothConsumers implements ResultConsumer {
  private final ResultConsumer first;
  private final ResultConsumer second;
  private Flow stream;
  private boolean firstPaused;
  private boolean secondPaused;

  /** {@code make} builds each consumer with the flow it may pause. */
  public BothConsumers(Function<Flow, ResultConsumer> makeFirst, Function<Flow, ResultConsumer> makeSecond) {
    this.first = makeFirst.apply(flow(true));
    this.second = makeSecond.apply(flow(false));
  }

  /** The stream the consumers' pauses act on; set once it is dispatched. */
  public void follow(Flow stream) {
    this.stream = stream;
  }

  private Flow flow(boolean isFirst) {
    return new Flow() {
      @Override
      public void pause() {
        set(isFirst, true);
      }

      @Override
      public void resume() {
        set(isFirst, false);
      }
    };
  }

  private void set(boolean isFirst, boolean paused) {
    if (isFirst) {
      firstPaused = paused;
    } else {
      secondPaused = paused;
    }
    if (stream == null) {
      return;
    }
    if (firstPaused || secondPaused) {
      stream.pause();
    } else {
      stream.resume();
    }
  }

  @Override
  public void next(Buffer columns, Rows rows, ResultMessage.End end) {
    first.next(columns, rows, end);
    second.next(columns, rows, end);
  }

  @Override
  public void failed(RelayException problem) {
    first.failed(problem);
    second.failed(problem);
  }
}
