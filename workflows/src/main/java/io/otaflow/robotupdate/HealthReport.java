package io.otaflow.robotupdate;

import java.util.List;
import java.util.Optional;

/** The result of one round of health probes on a robot; unhealthy is a normal answer, not an error. */
public record HealthReport(List<ProbeResult> probes) {

  public HealthReport {
    probes = List.copyOf(probes);
  }

  public boolean healthy() {
    return probes.stream().allMatch(ProbeResult::ok);
  }

  /** The first failing probe's name, such as {@code temperature}. */
  public Optional<String> failedProbe() {
    return probes.stream().filter(probe -> !probe.ok()).map(ProbeResult::probe).findFirst();
  }

  /** The first failing probe's reading, such as {@code temperature 93.0C > 80.0C}. */
  public Optional<String> failure() {
    return probes.stream().filter(probe -> !probe.ok()).map(ProbeResult::detail).findFirst();
  }
}
