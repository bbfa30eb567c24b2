package com.pmsrelay.cloud.throttle;

import com.pmsrelay.common.config.ConfigReader;

/** The node's two throttles of failed authentication: token requests and console logins. */
public record ThrottleConfig(ThrottlePolicy token, ThrottlePolicy console) {
  public static ThrottleConfig from(ConfigReader throttle) {
    return new ThrottleConfig(ThrottlePolicy.from(throttle, "token"), ThrottlePolicy.from(throttle, "console"));
  }
}
