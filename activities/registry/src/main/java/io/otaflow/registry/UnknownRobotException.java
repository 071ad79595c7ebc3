package io.otaflow.registry;

import java.util.List;

/** A target named robots the registry has never seen. */
public class UnknownRobotException extends IllegalArgumentException {

  /** Keeps the message (and a Temporal failure built from it) readable when a whole list is wrong. */
  private static final int MAX_NAMED = 100;

  public UnknownRobotException(List<String> robotIds) {
    super(message(robotIds));
  }

  private static String message(List<String> ids) {
    String named = String.join(", ", ids.subList(0, Math.min(ids.size(), MAX_NAMED)));
    return "unknown robot(s): " + named + (ids.size() > MAX_NAMED ? " and " + (ids.size() - MAX_NAMED) + " more" : "");
  }
}
