package com.pmsrelay.cloud;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.config.CloudConfig;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Test code's way to a cloud node with another bearer-token verifier (the auth benchmark's
 * switch). The constructor it calls is package-private; in the shipped code only CloudNode's public
 * constructor calls it, with the real token service, and no setting reaches it.
 */
public final class CloudNodes {
  private CloudNodes() {}

  /** A node whose API checks bearer tokens with {@code bearer}, made from the node's token service. */
  public static CloudNode withBearerVerifier(Vertx vertx, CloudConfig config,
      Function<TokenService, TokenVerifier> bearer) {
    return new CloudNode(vertx, config, bearer);
  }
}
