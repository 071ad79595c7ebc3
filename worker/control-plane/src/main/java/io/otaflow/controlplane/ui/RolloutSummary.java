package io.otaflow.controlplane.ui;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.RolloutRecord;
import java.util.List;
import java.util.Locale;

/** A rollout as the dashboard lists it: where it stands, why, and a bar of robots per state for each stage. */
public record RolloutSummary(RolloutRecord rollout, List<Bar> stages, String updated) {

  public String href() {
    return DashboardPaths.rollout(rollout.rolloutId());
  }

  /** The element the live updates replace. */
  public String elementId() {
    return "rollout-" + rollout.rolloutId();
  }

  /** Its status's CSS class: its colour. */
  public String statusClass() {
    RolloutStatus status = rollout.status();
    return switch (status) {
      case SUCCEEDED -> "ok";
      case ROLLED_BACK, ABORTED -> "back";
      case FAILED -> "broken";
      case PAUSED, WAITING_APPROVAL -> "waiting";
      default -> "busy";
    } + " status";
  }

  public String statusText() {
    return rollout.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
