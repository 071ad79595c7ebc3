package io.otaflow.controlplane.api;

import io.otaflow.controlplane.RolloutService;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Rollouts: start, read progress, and the person's commands (Temporal updates, refused when they do not fit). */
@RestController
@RequestMapping("/api/rollouts")
class RolloutController {

  private final RolloutService rollouts;

  RolloutController(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  /** 201 with the rollout as started; its progress is at the Location. */
  @PostMapping
  ResponseEntity<RolloutStart> start(@RequestBody RolloutStart start) {
    start.requireFields();
    RolloutRequest request = rollouts.startRollout(start.rolloutId(), start.releaseVersion(), start.plan(),
        start.target());
    return ResponseEntity.created(URI.create("/api/rollouts/" + request.rolloutId())).body(start);
  }

  @GetMapping("/{id}")
  RolloutProgress progress(@PathVariable String id) {
    return rollouts.progress(id);
  }

  @PostMapping("/{id}/pause")
  RolloutProgress pause(@PathVariable String id, @RequestBody OperatorRequest command) {
    return rollouts.pause(id, command.toCommand());
  }

  @PostMapping("/{id}/resume")
  RolloutProgress resume(@PathVariable String id, @RequestBody OperatorRequest command) {
    return rollouts.resume(id, command.toCommand());
  }

  @PostMapping("/{id}/approve")
  RolloutProgress approve(@PathVariable String id, @RequestBody OperatorRequest command) {
    return rollouts.approve(id, command.toCommand());
  }

  @PostMapping("/{id}/abort")
  RolloutProgress abort(@PathVariable String id, @RequestBody OperatorRequest command) {
    return rollouts.abort(id, command.toAbort());
  }
}
