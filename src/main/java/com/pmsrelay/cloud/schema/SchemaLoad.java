package com.pmsrelay.cloud.schema;

import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryStream;
import com.pmsrelay.cloud.dispatch.ResultConsumer;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import com.pmsrelay.common.protocol.SchemaRequest;
import com.pmsrelay.common.protocol.SchemaRow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of a catalogue by its agent: the request dispatched like a query (to whichever node
 * holds the agent's socket), its result stream gathered into a {@link Schema}. The stream's byte
 * cap bounds what is gathered; a schema over it fails rather than coming back in part. Confined to
 * the dispatching context.
 */
final class SchemaLoad implements ResultConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaLoad.class);

  private final SchemaRequest request;
  private final String pmsVersion;
  private final long maxBytes;
  private final Promise<Schema> done = Promise.promise();
  private final List<SchemaRow> rows = new ArrayList<>();
  private QueryStream stream;

  private SchemaLoad(SchemaRequest request, String pmsVersion) {
    this.request = request;
    this.pmsVersion = pmsVersion;
    this.maxBytes = request.maxBytes();
  }

  /** Asks the agent for the request's catalogue; {@code pmsVersion} is what the agent reported when it connected. */
  static Future<Schema> start(QueryDispatcher dispatcher, SchemaRequest request, String pmsVersion) {
    SchemaLoad load = new SchemaLoad(request, pmsVersion);
    load.stream = dispatcher.dispatch(request, flow -> load);
    return load.done.future();
  }

  @Override
  public void next(Buffer columns, Rows more, ResultMessage.End end) {
    if (done.future().isComplete()) {
      return;
    }
    try {
      if (columns != null && !names(columns).equals(SchemaRow.COLUMNS)) {
        throw new IllegalArgumentException("a schema answer's columns are " + SchemaRow.COLUMNS);
      }
      for (Object row : more.decode()) {
        rows.add(SchemaRow.fromJson((JsonArray) row));
      }
    } catch (RuntimeException e) { // a row or column list that is not what the protocol says
      LOG.warn("the schema answer of the agent of practice {} broke the protocol: {}", request.practiceId(),
          e.getMessage());
      if (stream != null) {
        stream.cancel();
      }
      done.tryFail(new RelayException(ErrorCode.AGENT_ERROR, "the practice's agent sent a broken schema"));
      return;
    }
    if (end == null) {
      return;
    }
    if (end.truncated()) {
      done.tryFail(new RelayException(ErrorCode.SCHEMA_TOO_LARGE, "the catalogue's tables and columns are over the "
          + maxBytes + " bytes the relay lists in one answer (schema.maxBytes), or over the agent's own caps"));
      return;
    }
    done.tryComplete(Schema.of(request.catalogue(), pmsVersion, rows));
  }

  @Override
  public void failed(RelayException problem) {
    done.tryFail(problem);
  }

  private static List<String> names(Buffer columns) {
    List<String> names = new ArrayList<>();
    for (Object column : new JsonArray(columns)) {
      names.add(((JsonObject) column).getString("name"));
    }
    return names;
  }
}
