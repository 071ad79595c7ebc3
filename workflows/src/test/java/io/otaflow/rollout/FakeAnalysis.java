package io.otaflow.rollout;

import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.analysis.Measurement;
import io.otaflow.plan.AnalysisCheck;
import io.temporal.activity.Activity;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test fake for the metrics edge: each check's values in the order a test scripts them, the last one repeated; NaN
 * is inconclusive, as from Prometheus.
 */
class FakeAnalysis implements AnalysisActivities {

  /** One measurement taken: {@code order} on {@link FakeRobot#CLOCK}, {@code scheduledAt} in the server's time. */
  record Taken(String check, long order, Instant scheduledAt) {
  }

  private final Map<String, Deque<Double>> values = new ConcurrentHashMap<>();
  final List<Taken> taken = new CopyOnWriteArrayList<>();

  void script(String check, double... scripted) {
    Deque<Double> queue = new ArrayDeque<>();
    for (double value : scripted) {
      queue.add(value);
    }
    values.put(check, queue);
  }

  @Override
  public synchronized Measurement measure(String rolloutId, String stage, AnalysisCheck check) {
    taken.add(new Taken(check.name(), FakeRobot.CLOCK.incrementAndGet(),
        Instant.ofEpochMilli(Activity.getExecutionContext().getInfo().getScheduledTimestamp())));
    Deque<Double> queue = values.get(check.name());
    double value = queue.size() > 1 ? queue.poll() : queue.getFirst();
    return Measurement.of(value, check.successCondition());
  }

  List<Taken> taken(String check) {
    return taken.stream().filter(measurement -> measurement.check().equals(check)).toList();
  }
}
