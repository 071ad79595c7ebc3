package io.otaflow.controlplane.api;

import io.otaflow.controlplane.TelemetryIngest;
import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.controlplane.security.CurrentUser;
import io.otaflow.controlplane.security.SecurityConfig;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotRepository;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Robots report their telemetry here, each with its own robot token (SecurityConfig lets no other token in): a batch
 * of samples, of which the newest is kept (last value wins) and written with everybody else's at the next flush
 * ({@link TelemetryIngest}). Not audited: robots report, people do not command anything here.
 */
@ConditionalOnWebApplication
@RestController
class TelemetryController {

  private final TelemetryIngest ingest;
  private final RobotRepository robots;
  private final Clock clock = Clock.systemUTC();

  TelemetryController(TelemetryIngest ingest, RobotRepository robots) {
    this.ingest = ingest;
    this.robots = robots;
  }

  /** 202: accepted, written to the registry within a flush interval. */
  @PostMapping(SecurityConfig.TELEMETRY)
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, Integer> report(@RequestBody TelemetryBatch batch) {
    TelemetryBatch.Sample newest = batch.validatedNewest(clock.instant());
    CurrentUser user = CurrentUser.get();
    Object tokenRobot = user.authentication().getPrincipal() instanceof OAuth2AuthenticatedPrincipal principal
        ? principal.getAttribute(ApiTokens.ROBOT_ATTRIBUTE) : null;
    if (!Objects.equals(tokenRobot, batch.robotId())) {
      throw new AccessDeniedException("user " + user.name() + " may only report telemetry for robot " + tokenRobot
          + ", not " + batch.robotId());
    }
    if (robots.robot(batch.robotId()).isEmpty()) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "unknown robot " + batch.robotId()
          + ": its agent registers it when it starts (through Temporal), then reports");
    }
    ingest.accept(new RobotTelemetry(batch.robotId(), newest.batteryPercent(), newest.temperatureC(),
        newest.installedVersion(), newest.sampledAt().toEpochMilli(), newest.updateStep(), batch.agentVersion()));
    return Map.of("samples", batch.samples().size());
  }
}
