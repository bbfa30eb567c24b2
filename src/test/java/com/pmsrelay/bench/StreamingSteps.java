package com.pmsrelay.bench;

import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.Frame;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A diagnostic beside the streaming benchmark, not a benchmark: what each step the relay takes
 * per result message costs per row, on one thread, warm, for a chunk of 500 of the benchmark's
 * rows (94 bytes each): the agent's message and frame, the cloud's frame splitting, decoding and
 * NDJSON lines. CPU time and allocated bytes of this thread, three rounds each. Run after
 * {@code bench/run.sh} has built the class path:
 * {@code java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" com.pmsrelay.bench.StreamingSteps}
 */
public final class StreamingSteps {
  private static final com.sun.management.ThreadMXBean THREAD =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int ROWS = 500;
  private static final int ITERATIONS = 4_000;
  private static volatile Object sink;

  private interface Step {
    void run() throws Exception;
  }

  private StreamingSteps() {}

  public static void main(String[] args) throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 1; i <= ROWS; i++) {
      rows.append(i > 1 ? "," : "").append('[').append(500_000 + i).append(",\"synthetic row ").append(500_000 + i)
          .append(' ').append(" ".repeat(60)).append(".\"]");
    }
    Buffer rowElements = Buffer.buffer(rows.toString());
    String address = Addresses.stream(UUID.randomUUID().toString());
    Buffer body = ResultMessage.encode(7, null, rowElements, null);
    Buffer framed = Frames.appendSend(Buffer.buffer(body.length() + 96), address, body);
    Buffer frame = framed.getBuffer(4, framed.length());
    System.out.printf("a chunk of %d rows, %.1f bytes a row; its frame %d bytes%n", ROWS,
        rowElements.length() / (double) ROWS, frame.length());

    measure("agent: ResultMessage.encode + Frames.appendSend", () -> {
      Buffer message = ResultMessage.encode(7, null, rowElements, null);
      sink = Frames.appendSend(Buffer.buffer(message.length() + 96), address, message);
    });
    List<Buffer> pieces = new ArrayList<>(); // as TLS hands them on: records of up to 16 KiB
    for (int i = 0; i < framed.length(); i += 16 * 1024) {
      pieces.add(framed.getBuffer(i, Math.min(framed.length(), i + 16 * 1024)));
    }
    FrameReader reader = new FrameReader(1 << 20, f -> sink = f, violation -> {
      throw new IllegalStateException(violation);
    });
    measure("cloud: FrameReader on 16 KiB pieces", () -> pieces.forEach(reader::handle));
    measure("cloud: Frame.decode (rows sliced and checked)", () -> sink = Frame.decode(frame));
    Rows decoded = Frame.decode(frame).result().rows();
    measure("cloud: Rows.appendLines (NDJSON)", () ->
        sink = decoded.appendLines(Buffer.buffer((int) (decoded.bytes() + decoded.count()))));
    measure("cloud: the lines copied into StreamedAnswer's out", () -> {
      Buffer lines = decoded.appendLines(Buffer.buffer((int) (decoded.bytes() + decoded.count())));
      sink = Buffer.buffer().appendBuffer(lines);
    });
    byte[] data = frame.getBytes();
    measure("reference: a byte scan of the frame for row bounds", () -> sink = rowBounds(data));
  }

  /** Each row's start and end found by brackets and quotes: what a decoder without Jackson would do. */
  private static int[] rowBounds(byte[] data) {
    int[] bounds = new int[2 * ROWS + 2];
    int k = 0;
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < data.length; i++) {
      byte b = data[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '[') {
        if (++depth == 2 && k < bounds.length) {
          bounds[k++] = i;
        }
      } else if (b == ']') {
        if (depth-- == 2 && k < bounds.length) {
          bounds[k++] = i + 1;
        }
      }
    }
    return bounds;
  }

  private static void measure(String name, Step step) throws Exception {
    for (int i = 0; i < ITERATIONS; i++) {
      step.run(); // warm
    }
    for (int round = 0; round < 3; round++) {
      long cpu = THREAD.getCurrentThreadCpuTime();
      long allocated = THREAD.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < ITERATIONS; i++) {
        step.run();
      }
      System.out.printf("%-52s %7.1f ns a row %7.1f bytes a row%n", name,
          (THREAD.getCurrentThreadCpuTime() - cpu) / (double) ITERATIONS / ROWS,
          (THREAD.getCurrentThreadAllocatedBytes() - allocated) / (double) ITERATIONS / ROWS);
    }
  }
}
