package com.pmsrelay.cloud.store;

/** A third-party application; {@code blocked} means blocked by the operator everywhere. */
public record Integrator(String clientId, String name, boolean blocked, String webhookUrl) {}
