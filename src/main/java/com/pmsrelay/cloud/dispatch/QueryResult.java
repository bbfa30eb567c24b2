package com.pmsrelay.cloud.dispatch;

import io.vertx.core.json.JsonArray;

/** A finished immediate query as the agent reported it. */
public record QueryResult(JsonArray columns, JsonArray rows, long rowCount, boolean truncated, long queuedMs,
    long executionMs, long bytes) {}
