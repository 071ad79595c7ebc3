package io.otaflow.controlplane.api;

import io.otaflow.controlplane.KillSwitch;
import io.otaflow.registry.KillSwitchRecord;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The fleet-wide kill switch: where it stands, its history, and turning it on or off. */
@ConditionalOnWebApplication
@RestController
@RequestMapping("/api/v1/killswitch")
class KillSwitchController {

  private final KillSwitch killSwitch;
  private final OperatorCommands operator;

  KillSwitchController(KillSwitch killSwitch, OperatorCommands operator) {
    this.killSwitch = killSwitch;
    this.operator = operator;
  }

  @GetMapping
  KillSwitchRecord state() {
    return killSwitch.state();
  }

  /** Every change, newest first. */
  @GetMapping("/history")
  List<KillSwitchRecord> history() {
    return killSwitch.history();
  }

  /** Stops every unfinished rollout; answers the switch as it is now (as first turned on, when it was on already). */
  @PostMapping("/on")
  KillSwitchRecord on(@RequestBody KillSwitchRequest request) {
    return operator.killSwitchOn(request);
  }

  /** Lets rollouts start again; paused ones stay paused until a person resumes them. */
  @PostMapping("/off")
  KillSwitchRecord off(@RequestBody KillSwitchRequest request) {
    return operator.killSwitchOff(request);
  }
}
