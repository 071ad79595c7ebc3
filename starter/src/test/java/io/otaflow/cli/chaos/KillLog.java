package io.otaflow.cli.chaos;

import io.otaflow.cli.chaos.KillSchedule.Kill;
import io.otaflow.cli.chaos.KillSchedule.Victim;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every kill made, with what Temporal showed at that instant, and the summary table of kills per moment. */
final class KillLog {

  /** @param seconds since the suite started */
  record Entry(Kill kill, String observed, double seconds) {
  }

  private final long startNanos = System.nanoTime();
  private final List<Entry> entries = new ArrayList<>();

  synchronized void killed(Kill kill, String observed) {
    Entry entry = new Entry(kill, observed, (System.nanoTime() - startNanos) / 1e9);
    entries.add(entry);
    System.out.printf("chaos: %6.1f s  kill -9 %s: %s%n", entry.seconds(), kill, observed);
  }

  synchronized List<Entry> entries() {
    return entries.stream().sorted(Comparator.comparingInt(entry -> entry.kill().number())).toList();
  }

  synchronized long count(Victim victim, Moment moment) {
    return entries.stream().filter(e -> e.kill().victim() == victim && e.kill().moment() == moment).count();
  }

  synchronized long count(Victim victim) {
    return entries.stream().filter(e -> e.kill().victim() == victim).count();
  }

  /** Kills per moment and process kind, as the suite made them. */
  synchronized String table() {
    StringBuilder table = new StringBuilder(String.format("%-16s %13s %7s %6s%n", "moment", "control plane",
        "agents", "total"));
    for (Moment moment : Moment.values()) {
      long controlPlane = count(Victim.CONTROL_PLANE, moment);
      long agents = count(Victim.AGENT, moment);
      table.append(String.format("%-16s %13d %7d %6d%n", moment.label, controlPlane, agents, controlPlane + agents));
    }
    long controlPlane = count(Victim.CONTROL_PLANE);
    long agents = count(Victim.AGENT);
    return table.append(String.format("%-16s %13d %7d %6d%n", "all", controlPlane, agents, controlPlane + agents))
        .toString();
  }

  synchronized List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (Entry entry : entries()) {
      lines.add(String.format("%6.1f s  %s: %s", entry.seconds(), entry.kill(), entry.observed()));
    }
    return lines;
  }
}
