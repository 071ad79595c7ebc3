package io.otaflow.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What otaflow's exit code says, the same for every command; listed in every command's --help. */
final class ExitCodes {

  static final int OK = 0;
  /** Anything not below: the control plane unreachable, a failure inside it, a file that cannot be written. */
  static final int ERROR = 1;
  /** Bad input: an unknown option, a missing file, an invalid plan, a field the control plane refused (HTTP 400). */
  static final int BAD_INPUT = 2;
  /** An unknown release, rollout, robot or token (HTTP 404). */
  static final int NOT_FOUND = 3;
  /** Refused by the state of things: a name taken, a command the rollout's state or the kill switch forbids (409). */
  static final int REFUSED = 4;
  /** A watched rollout (--watch) ended other than SUCCEEDED. */
  static final int ROLLOUT_NOT_SUCCEEDED = 5;
  /** No token, a bad one, or a role too low for the command (HTTP 401 or 403). */
  static final int NOT_ALLOWED = 6;

  private ExitCodes() {
  }

  /** For picocli's exit code list: code, then meaning. */
  static Map<String, String> described() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(OK + ":", "success");
    codes.put(ERROR + ":", "error (control plane unreachable or failing, I/O)");
    codes.put(BAD_INPUT + ":", "bad input (options, files, an invalid plan or request)");
    codes.put(NOT_FOUND + ":", "not found (release, rollout, robot, token)");
    codes.put(REFUSED + ":", "conflict, or refused by the rollout's state or the kill switch");
    codes.put(ROLLOUT_NOT_SUCCEEDED + ":", "the watched rollout ended other than SUCCEEDED");
    codes.put(NOT_ALLOWED + ":", "not authenticated (no or bad token) or role too low");
    return codes;
  }

  /** The exit code of an HTTP refusal from the control plane. */
  static int ofHttpStatus(int status) {
    return switch (status) {
      case 400, 422 -> BAD_INPUT;
      case 401, 403 -> NOT_ALLOWED;
      case 404 -> NOT_FOUND;
      case 409 -> REFUSED;
      default -> ERROR;
    };
  }
}
