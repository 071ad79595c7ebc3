package io.otaflow.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Metric checks that gate a stage once its robots finished: each is measured {@code count} times, {@code interval}
 * apart, while the stage bakes (the bake lasts at least as long as the longest check).
 *
 * @param checks at least one, names unique within the stage
 */
public record StageAnalysis(List<AnalysisCheck> checks) {

  public StageAnalysis {
    // Not List.copyOf: a null check must reach PlanValidator, which names it.
    checks = checks == null ? null : Collections.unmodifiableList(new ArrayList<>(checks));
  }
}
