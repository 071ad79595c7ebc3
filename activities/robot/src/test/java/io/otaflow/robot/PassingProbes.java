package io.otaflow.robot;

import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import java.util.List;
import java.util.function.Function;

/** A robot whose probes always pass, for tests about slots rather than health. */
final class PassingProbes {

  static final Function<String, HealthReport> ROUND =
      version -> new HealthReport(List.of(new ProbeResult("test", true, "running " + version)));

  private PassingProbes() {
  }
}
