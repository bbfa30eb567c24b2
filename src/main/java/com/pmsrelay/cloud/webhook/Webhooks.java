package com.pmsrelay.cloud.webhook;

/**
 * The node's webhook parts, as the HTTP API and the registered queries need them: the store of
 * webhooks and deliveries, the URL guard, and where change notices are announced.
 */
public record Webhooks(WebhookStore store, WebhookTarget target, ChangeNotices notices) {}
