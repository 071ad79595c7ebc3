package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.security.DashboardSecurityConfig;
import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UriUtils;

/** The dashboard's addresses, built in one place (IDs may hold characters a URL must escape). */
final class DashboardPaths {

  static final String FLEET = DashboardSecurityConfig.UI;
  static final String ROLLOUTS = DashboardSecurityConfig.UI + "/rollouts";
  static final String EVENTS = DashboardSecurityConfig.UI + "/events";

  private DashboardPaths() {
  }

  static String robot(String robotId) {
    return DashboardSecurityConfig.UI + "/robots/" + segment(robotId);
  }

  static String rollout(String rolloutId) {
    return ROLLOUTS + "/" + segment(rolloutId);
  }

  /** The fleet page filtered by installed version. */
  static String fleetRunning(String version) {
    return FLEET + "?version=" + UriUtils.encodeQueryParam(version, StandardCharsets.UTF_8);
  }

  /** {@code value} as one path segment, a workflow ID's slashes included. */
  static String segment(String value) {
    return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
  }
}
