package com.pmsrelay.common.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.Map;

/**
 * A frame from an agent, read in one pass: its type and addresses, and its body either as a JSON
 * object or, for a send to a result stream, as a {@link ResultMessage} whose rows stay bytes.
 */
public final class Frame {
  private static final JsonFactory JSON = new JsonFactory();

  private final String type;
  private final String address;
  private final String replyAddress;
  private final JsonObject body;
  private final ResultMessage result;

  private Frame(String type, String address, String replyAddress, JsonObject body, ResultMessage result) {
    this.type = type;
    this.address = address;
    this.replyAddress = replyAddress;
    this.body = body;
    this.result = result;
  }

  /** Never null; empty if the frame has none. */
  public String type() {
    return type;
  }

  public String address() {
    return address;
  }

  public String replyAddress() {
    return replyAddress;
  }

  /** The body, if it is a JSON object and not a result message; else null. */
  public JsonObject body() {
    return body;
  }

  /** The body of a send to a result stream; else null. */
  public ResultMessage result() {
    return result;
  }

  /** Reads one frame; a frame that is not a JSON object, or a malformed result message, is a violation. */
  @SuppressWarnings("unchecked") // a JSON object's map
  public static Frame decode(Buffer frame) {
    byte[] data = frame.getBytes();
    try (JsonParser p = JSON.createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new FrameReader.ViolationException("frame is not a JSON object");
      }
      String type = "";
      String address = null;
      String replyAddress = null;
      int bodyStart = -1;
      int bodyEnd = -1;
      ResultMessage result = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : "";
          case "address" -> address = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "replyAddress" -> replyAddress = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "body" -> {
            if (value == JsonToken.START_OBJECT && isResult(type, address)) {
              result = ResultMessage.read(p, data); // agents put type and address first: one pass
            } else {
              bodyStart = value == JsonToken.START_OBJECT ? (int) p.currentTokenLocation().getByteOffset() : -1;
              p.skipChildren();
              bodyEnd = (int) p.currentLocation().getByteOffset();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new FrameReader.ViolationException("content after the frame");
      }
      JsonObject body = null;
      if (bodyStart >= 0) {
        if (isResult(type, address)) {
          result = ResultMessage.decode(Buffer.buffer(bodyEnd - bodyStart).appendBytes(data, bodyStart, bodyEnd - bodyStart));
        } else {
          // Read where it lies in the frame: no copy, and a parser over an array rather than over a
          // stream of the buffer (every agent's every ping has a body).
          body = new JsonObject(JacksonCodec.fromParser(JSON.createParser(data, bodyStart, bodyEnd - bodyStart), Map.class));
        }
      }
      return new Frame(type, address, replyAddress, body, result);
    } catch (IOException | DecodeException e) {
      throw new FrameReader.ViolationException("frame is not a JSON object");
    } catch (ResultMessage.MalformedException e) {
      throw new FrameReader.ViolationException("malformed result message: " + e.getMessage());
    }
  }

  private static boolean isResult(String type, String address) {
    return "send".equals(type) && Addresses.isStream(address);
  }
}
