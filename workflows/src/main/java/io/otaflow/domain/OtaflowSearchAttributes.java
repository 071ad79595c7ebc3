package io.otaflow.domain;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Temporal Web UI (and {@code temporal workflow list --query}) finds an otaflow workflow by: its rollout,
 * release, robot, stage and status, as Keyword search attributes ({@code OtaflowRolloutId="r1" AND
 * OtaflowStatus="FAILED"}). A namespace must have them registered before any workflow carries them: the control
 * plane checks at start. A null value is one the workflow does not set.
 *
 * @param stage  the stage's name
 * @param status a rollout's {@link RolloutStatus}, a robot workflow's {@link RobotUpdateState}
 */
public record OtaflowSearchAttributes(String rolloutId, String release, String robotId, String stage,
                                      String status) {

  public static final SearchAttributeKey<String> ROLLOUT_ID = SearchAttributeKey.forKeyword("OtaflowRolloutId");
  public static final SearchAttributeKey<String> RELEASE = SearchAttributeKey.forKeyword("OtaflowRelease");
  public static final SearchAttributeKey<String> ROBOT_ID = SearchAttributeKey.forKeyword("OtaflowRobotId");
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("OtaflowStage");
  public static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword("OtaflowStatus");
  /** Every one a namespace must have registered. */
  public static final List<SearchAttributeKey<String>> KEYS = List.of(ROLLOUT_ID, RELEASE, ROBOT_ID, STAGE, STATUS);

  /** As a workflow starts with them ({@code WorkflowOptions}, {@code ChildWorkflowOptions}). */
  public SearchAttributes toSearchAttributes() {
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder();
    values().forEach(attributes::set);
    return attributes.build();
  }

  /**
   * In workflow code: upserts the values that differ from what the workflow carries now (set at its start or by an
   * earlier upsert), and nothing when none does. Every upsert is an event in the workflow's history.
   */
  public void upsertChanged() {
    SearchAttributes current = Workflow.getTypedSearchAttributes();
    SearchAttributeUpdate<?>[] changed = values().entrySet().stream()
        .filter(value -> !value.getValue().equals(current.get(value.getKey())))
        .map(value -> value.getKey().valueSet(value.getValue()))
        .toArray(SearchAttributeUpdate<?>[]::new);
    if (changed.length > 0) {
      Workflow.upsertTypedSearchAttributes(changed);
    }
  }

  /** The values set, in the order of {@link #KEYS}. */
  private Map<SearchAttributeKey<String>, String> values() {
    Map<SearchAttributeKey<String>, String> values = new LinkedHashMap<>();
    values.put(ROLLOUT_ID, rolloutId);
    values.put(RELEASE, release);
    values.put(ROBOT_ID, robotId);
    values.put(STAGE, stage);
    values.put(STATUS, status);
    values.values().removeIf(Objects::isNull);
    return values;
  }
}
