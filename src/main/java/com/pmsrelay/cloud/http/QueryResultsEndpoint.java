package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.async.AsyncQueries;
import com.pmsrelay.cloud.results.ResultFile;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.store.QueryRecord;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /v1/queries/{id}}: a kept query's status, its results (a JSON page, or the whole result
 * as NDJSON) and its cancellation. A query belongs to the integrator that sent it: for any other
 * it does not exist (404).
 */
final class QueryResultsEndpoint {
  static final int DEFAULT_PAGE_ROWS = 1_000;
  static final int MAX_PAGE_ROWS = 10_000;
  /** A page stops at about this many bytes of rows (and holds at least one row). */
  static final long MAX_PAGE_BYTES = 16L * 1024 * 1024;

  private final QueryRecordStore records;
  private final ResultFiles files;
  private final AsyncQueries async;

  QueryResultsEndpoint(QueryRecordStore records, ResultFiles files, AsyncQueries async) {
    this.records = records;
    this.files = files;
    this.async = async;
  }

  void status(RoutingContext ctx) {
    own(ctx).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else {
        Json.ok(ctx, statusJson(found.result()));
      }
    });
  }

  void cancel(RoutingContext ctx) {
    String queryId = Requests.queryId(ctx);
    if (queryId == null) {
      ctx.fail(notFound());
      return;
    }
    async.cancel(queryId, BearerAuth.clientId(ctx)).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result().isEmpty()) {
        ctx.fail(notFound());
      } else {
        Json.ok(ctx, statusJson(done.result().get()));
      }
    });
  }

  void results(RoutingContext ctx) {
    long offset;
    long limit;
    try {
      offset = Requests.longParam(ctx, "offset", 0, 0, Long.MAX_VALUE);
      limit = Requests.longParam(ctx, "limit", DEFAULT_PAGE_ROWS, 1, MAX_PAGE_ROWS);
    } catch (RelayException e) {
      ctx.fail(e);
      return;
    }
    boolean ndjson = accepts(ctx, "application/x-ndjson");
    own(ctx).compose(r -> readable(r)).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      QueryRecord r = found.result();
      Future<Void> written = ndjson
          ? StoredAnswer.write(files, ctx.response(), AnswerFormat.NDJSON, r.queryId(), 0, 0, System.nanoTime())
          : files.page(r.queryId(), offset, (int) limit, MAX_PAGE_BYTES).map(page -> {
            Json.ok(ctx, pageBody(page));
            return null;
          });
      written.onFailure(e -> {
        if (!ctx.response().ended() && !ctx.response().closed()) {
          Problems.send(ctx, e instanceof RelayException p ? p
              : new RelayException(ErrorCode.INTERNAL_ERROR, "the kept result cannot be read"), r.queryId());
        }
      });
    });
  }

  /** The caller's query of the path, or 404. */
  private Future<QueryRecord> own(RoutingContext ctx) {
    String queryId = Requests.queryId(ctx);
    if (queryId == null) {
      return Future.failedFuture(notFound());
    }
    String clientId = BearerAuth.clientId(ctx);
    return records.find(queryId).map(found -> found.filter(r -> r.clientId().equals(clientId)).orElseThrow(
        QueryResultsEndpoint::notFound));
  }

  /** The query, if its result can be read now; otherwise why not. */
  private static Future<QueryRecord> readable(QueryRecord r) {
    return switch (r.status()) {
      case QueryRecord.SUCCEEDED -> Future.succeededFuture(r);
      case QueryRecord.EXPIRED -> Future.failedFuture(new RelayException(ErrorCode.RESULTS_EXPIRED,
          "the results were kept for their retention period and are gone"));
      case QueryRecord.QUEUED, QueryRecord.EXECUTING -> Future.failedFuture(new RelayException(
          ErrorCode.RESULTS_UNAVAILABLE, "the query is " + r.status() + "; its results are not ready yet", 1));
      case QueryRecord.CANCELLED -> Future.failedFuture(new RelayException(ErrorCode.RESULTS_UNAVAILABLE,
          "the query was cancelled"));
      default -> Future.failedFuture(new RelayException(ErrorCode.RESULTS_UNAVAILABLE,
          "the query failed (" + r.errorCode() + "): " + r.errorDetail()));
    };
  }

  /** {@code {"columns", "rows", "offset", "nextOffset"}}, the rows as they were kept. */
  private static Buffer pageBody(ResultFile.Page page) {
    Buffer body = Buffer.buffer(256).appendString("{\"columns\":").appendBuffer(page.columns())
        .appendString(",\"rows\":[");
    for (int i = 0; i < page.rows().size(); i++) {
      if (i > 0) {
        body.appendByte((byte) ',');
      }
      body.appendBytes(page.rows().get(i));
    }
    return body.appendString("],\"offset\":").appendString(Long.toString(page.offset()))
        .appendString(",\"nextOffset\":").appendString(page.nextOffset() == null ? "null" : page.nextOffset().toString())
        .appendByte((byte) '}');
  }

  /** API.md's status document of a query. */
  static JsonObject statusJson(QueryRecord r) {
    JsonObject error = r.errorCode() == null ? null
        : new JsonObject().put("code", r.errorCode()).put("detail", r.errorDetail());
    return new JsonObject()
        .put("queryId", r.queryId())
        .put("practiceId", r.practiceId())
        .put("status", r.status())
        .put("createdAt", Instant.ofEpochMilli(r.createdAtMs()).toString())
        .put("finishedAt", r.finishedAtMs() == null ? null : Instant.ofEpochMilli(r.finishedAtMs()).toString())
        .put("rowCount", r.rowCount())
        .put("truncated", r.truncated())
        .put("error", error);
  }

  private static boolean accepts(RoutingContext ctx, String type) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains(type);
  }

  private static RelayException notFound() {
    return new RelayException(ErrorCode.QUERY_NOT_FOUND, "no such query");
  }
}
