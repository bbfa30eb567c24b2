package com.pmsrelay.cloud.throttle;

import com.pmsrelay.common.config.ConfigReader;

/** The node's throttles of failed authentication: token requests, console logins and operator API calls. */
public record ThrottleConfig(ThrottlePolicy token, ThrottlePolicy console, ThrottlePolicy operator) {
  public static ThrottleConfig from(ConfigReader throttle) {
    return new ThrottleConfig(ThrottlePolicy.from(throttle, "token"), ThrottlePolicy.from(throttle, "console"),
        ThrottlePolicy.from(throttle, "operator"));
  }
}
