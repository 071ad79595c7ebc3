package io.otaflow.cli.chaos;

import io.otaflow.cli.chaos.Slot.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which process dies where, fixed by a seed: the control plane once at every {@link Moment}, agents at least twice at
 * each and {@value #EXTRA_AGENT_KILLS} more at moments the seed picks, each placed in a {@link Slot} of the scenario the
 * seed picks. The same seed and scenario give the same schedule.
 */
final class KillSchedule {

  static final String SEED_PROPERTY = "otaflow.chaos.seed";
  static final long DEFAULT_SEED = 20261201L;
  private static final int AGENT_KILLS_PER_MOMENT = 2;
  private static final int EXTRA_AGENT_KILLS = 6;
  /** The moments with the fewest slots first, so that every kill finds one. */
  private static final List<Moment> PLACING_ORDER = List.of(Moment.BAKE, Moment.ROLLBACK, Moment.COMMIT,
      Moment.HEALTH_GATE, Moment.APPLY, Moment.VERIFY, Moment.DOWNLOAD, Moment.SAFE_STATE_WAIT);

  enum Victim { CONTROL_PLANE, AGENT }

  /** @param variant index into {@link Moment#variants} (0 when it has none) */
  record Kill(int number, Victim victim, Moment moment, Slot slot, int variant) {

    String process() {
      return victim == Victim.CONTROL_PLANE ? "control plane" : "agent " + slot.robot();
    }

    String where() {
      String how = moment.variants.isEmpty() ? "" : " (" + moment.variants.get(variant) + ")";
      String of = slot.kind() == Kind.BAKE ? "stage " + slot.stage() : slot.robot();
      return moment.label + how + " of " + slot.rollout() + "/" + of;
    }

    @Override
    public String toString() {
      return String.format("#%02d %s at %s", number, process(), where());
    }
  }

  private final long seed;
  private final List<Kill> kills;

  private KillSchedule(long seed, List<Kill> kills) {
    this.seed = seed;
    this.kills = List.copyOf(kills);
  }

  /** The seed {@code -Dotaflow.chaos.seed=N} names, else {@link #DEFAULT_SEED} (what CI runs). */
  static long seedFromSystemProperty() {
    String value = System.getProperty(SEED_PROPERTY);
    return value == null || value.isBlank() ? DEFAULT_SEED : Long.parseLong(value.trim());
  }

  static KillSchedule of(long seed, List<Slot> slots) {
    int phases = slots.stream().mapToInt(Slot::phase).max().orElse(0) + 1;
    int controlPlaneKills = Moment.values().length;
    // Evenly spread, with room for one more: not every moment comes in every phase (the last one only rolls back).
    int perPhase = (controlPlaneKills + phases - 1) / phases + 1;
    Random random = new Random(seed);
    Map<Slot, Kill> placed = new LinkedHashMap<>();
    for (Moment moment : PLACING_ORDER) {
      place(Victim.CONTROL_PLANE, moment, slots, placed, random, perPhase);
      for (int i = 0; i < AGENT_KILLS_PER_MOMENT; i++) {
        place(Victim.AGENT, moment, slots, placed, random, perPhase);
      }
    }
    for (int i = 0; i < EXTRA_AGENT_KILLS; i++) {
      List<Moment> open = PLACING_ORDER.stream()
          .filter(moment -> slots.stream().anyMatch(slot -> fits(Victim.AGENT, moment, slot, placed, perPhase)))
          .toList();
      place(Victim.AGENT, open.get(random.nextInt(open.size())), slots, placed, random, perPhase);
    }
    List<Kill> ordered = new ArrayList<>(placed.values());
    ordered.sort(Comparator.<Kill>comparingInt(kill -> slots.indexOf(kill.slot()))
        .thenComparing(Kill::moment));
    List<Kill> numbered = new ArrayList<>();
    for (Kill kill : ordered) {
      numbered.add(new Kill(numbered.size() + 1, kill.victim(), kill.moment(), kill.slot(), kill.variant()));
    }
    return new KillSchedule(seed, numbered);
  }

  private static void place(Victim victim, Moment moment, List<Slot> slots, Map<Slot, Kill> placed, Random random,
                            int controlPlaneKillsPerPhase) {
    List<Slot> free = slots.stream()
        .filter(slot -> fits(victim, moment, slot, placed, controlPlaneKillsPerPhase)).toList();
    if (free.isEmpty()) {
      throw new IllegalStateException("the scenario has no slot left for a kill of the " + victim + " at " + moment);
    }
    Slot slot = free.get(random.nextInt(free.size()));
    int variant = moment.variants.isEmpty() ? 0 : random.nextInt(moment.variants.size());
    placed.put(slot, new Kill(0, victim, moment, slot, variant));
  }

  /**
   * One kill per slot and per bake. The control plane's kills are spread evenly over the phases (each restart stalls
   * every rollout for about ten seconds); its kill in a bake needs a rollout running alone (beside another one, its
   * kills could keep the control plane busy past the bake). An agent kill that loses a step costs that robot a
   * heartbeat timeout: never in a canary, which the whole rollout waits for, and at most one per robot update. Both
   * keep the suite within its time budget.
   */
  private static boolean fits(Victim victim, Moment moment, Slot slot, Map<Slot, Kill> placed,
                              int controlPlaneKillsPerPhase) {
    if (!moment.fits(slot.kind()) || placed.containsKey(slot)
        || slot.kind() == Kind.BAKE && placed.keySet().stream().anyMatch(slot::sameBake)) {
      return false;
    }
    if (victim == Victim.CONTROL_PLANE) {
      return (moment != Moment.BAKE || !slot.besideAnotherRollout()) && placed.values().stream()
          .filter(kill -> kill.victim() == Victim.CONTROL_PLANE && kill.slot().phase() == slot.phase())
          .count() < controlPlaneKillsPerPhase;
    }
    if (!moment.agentKillLosesAStep || slot.kind() == Kind.ROLLED_BACK_BY_ROLLOUT) {
      return true;
    }
    return slot.stage() > 0 && placed.values().stream().noneMatch(kill -> kill.victim() == Victim.AGENT
        && kill.moment().agentKillLosesAStep && kill.slot().sameUpdate(slot));
  }

  long seed() {
    return seed;
  }

  List<Kill> kills() {
    return kills;
  }

  /** The kills of {@code rollout} in the phase at {@code phase}. */
  List<Kill> in(int phase, String rollout) {
    return kills.stream().filter(kill -> kill.slot().phase() == phase && kill.slot().rollout().equals(rollout))
        .toList();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(String.format("chaos seed %d (re-run: -D%s=%d): %d kills, %d of the control "
            + "plane, %d of agents%n", seed, SEED_PROPERTY, seed, kills.size(),
        kills.stream().filter(kill -> kill.victim() == Victim.CONTROL_PLANE).count(),
        kills.stream().filter(kill -> kill.victim() == Victim.AGENT).count()));
    kills.forEach(kill -> text.append("  ").append(kill).append(System.lineSeparator()));
    return text.toString();
  }
}
