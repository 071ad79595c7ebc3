package io.otaflow.observability;

import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * otaflow's one JSON log line, written by every process that logs JSON (the agent's stdout, the control plane's and
 * the CLI's log files): logstash's fields, the MDC as fields, and the Temporal SDK's MDC keys named as otaflow's are
 * ({@code workflowId}, {@code activityType}... beside {@link LogContext#ROLLOUT_ID} and {@link LogContext#ROBOT_ID}),
 * so one query finds a rollout's lines whichever process wrote them. Use it as a logback encoder class.
 */
public class JsonLogEncoder extends LogstashEncoder {

  /** The SDK's keys ({@code io.temporal.internal.logging.LoggerTag}), not public API: named here once. */
  private static final List<String> TEMPORAL_MDC_KEYS = List.of("WorkflowId", "WorkflowType", "RunId", "TaskQueue",
      "Namespace", "ActivityId", "ActivityType", "Attempt", "UpdateId", "UpdateName");

  public JsonLogEncoder() {
    // Logback's context (its name and properties) says nothing about the event.
    setIncludeContext(false);
    for (String key : TEMPORAL_MDC_KEYS) {
      addMdcKeyFieldName(key + "=" + Character.toLowerCase(key.charAt(0)) + key.substring(1));
    }
  }
}
