package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.security.DashboardSecurityConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The dashboard's addresses, built in one place (IDs may hold characters a URL must escape). */
final class DashboardPaths {

  static final String FLEET = DashboardSecurityConfig.UI;
  static final String ROLLOUTS = DashboardSecurityConfig.UI + "/rollouts";
  static final String EVENTS = DashboardSecurityConfig.UI + "/events";

  private DashboardPaths() {
  }

  static String robot(String robotId) {
    return DashboardSecurityConfig.UI + "/robots/" + encode(robotId);
  }

  static String rollout(String rolloutId) {
    return ROLLOUTS + "/" + encode(rolloutId);
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
