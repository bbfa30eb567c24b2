package com.pmsrelay.cloud.keys;

/**
 * Where the master key comes from: {@code keys.master} (base64 of 32 random bytes, best set as
 * PMSRELAY_KEYS_MASTER), and while rotating {@code keys.previous}, the one it replaces; both null:
 * one generated under {@code dataDir/keys}.
 */
public record KeysConfig(String master, String previous) {}
