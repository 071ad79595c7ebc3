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
  private final AuditedCommands commands;

  KillSwitchController(KillSwitch killSwitch, AuditedCommands commands) {
    this.killSwitch = killSwitch;
    this.commands = commands;
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
    return commands.run(Command.KILL_SWITCH_ON, null, request.reason(),
        user -> killSwitch.turnOn(request.toOn(user)));
  }

  /** Lets rollouts start again; paused ones stay paused until a person resumes them. */
  @PostMapping("/off")
  KillSwitchRecord off(@RequestBody KillSwitchRequest request) {
    return commands.run(Command.KILL_SWITCH_OFF, null, request.reason(),
        user -> killSwitch.turnOff(request.toOff(user)));
  }
}
