package io.otaflow.robot.sensors;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A robot's sensor sources, read together. For each quantity the first source, in order, that knows it answers; when
 * none does, the quantity is unknown with every source's reason ({@code battery unknown: sysfs
 * /sys/class/power_supply/BAT0/capacity: missing}), never a default. Mission state comes from the mission source
 * alone when there is one, so a busy robot is not declared idle by another source while its mission source fails.
 */
public final class SensorSources {

  private final List<SensorSource> sources;
  private final SensorSource mission;

  /** @param mission the one source of mission state (an update-lock file, say); null: {@code sources} */
  public SensorSources(List<SensorSource> sources, SensorSource mission) {
    this.sources = List.copyOf(sources);
    this.mission = mission;
  }

  public SensorReadings read() {
    List<Answer> answers = sources.stream().map(Answer::of).toList();
    List<Answer> missionAnswers = mission == null ? answers : List.of(Answer.of(mission));
    Map<Quantity, Reading> readings = new EnumMap<>(Quantity.class);
    for (Quantity quantity : Quantity.values()) {
      readings.put(quantity, first(quantity, quantity == Quantity.MISSION_ACTIVE ? missionAnswers : answers));
    }
    return new SensorReadings(readings);
  }

  private record Answer(SensorSource source, Map<Quantity, Reading> readings) {
    static Answer of(SensorSource source) {
      return new Answer(source, source.read());
    }
  }

  private static Reading first(Quantity quantity, List<Answer> answers) {
    List<String> reasons = new ArrayList<>();
    for (Answer answer : answers) {
      Reading reading = answer.readings().get(quantity);
      if (reading != null && reading.known()) {
        return reading;
      }
      if (reading != null) {
        reasons.add(reading.whyUnknown());
      }
    }
    if (reasons.isEmpty()) {
      reasons.add("not reported by " + answers.stream().map(a -> a.source().name())
          .collect(Collectors.joining(", ")));
    }
    return Reading.unknown(quantity.label() + " unknown: " + String.join("; ", reasons));
  }

  /** For the agent's log: {@code sysfs /, command `battery-json`; mission: lockFile /run/otaflow/update.lock}. */
  public String describe() {
    return sources.stream().map(SensorSource::name).collect(Collectors.joining(", "))
        + (mission == null ? "" : "; mission: " + mission.name());
  }
}
