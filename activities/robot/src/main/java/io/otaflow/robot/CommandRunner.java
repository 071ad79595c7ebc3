package io.otaflow.robot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one shell command ({@code sh -c}) with a timeout, keeping the last lines of its output (stderr merged). */
final class CommandRunner {

  static final int TAIL_LINES = 10;
  private static final int MAX_LINE = 300;

  private CommandRunner() {
  }

  /**
   * @param exitCode the command's exit status; -1 when it timed out or could not start
   * @param output the last {@value #TAIL_LINES} lines, joined with " | "
   */
  record Result(String command, int exitCode, boolean timedOut, String output, String startError) {

    boolean ok() {
      return exitCode == 0 && !timedOut && startError == null;
    }

    /** {@code `cmd` exited 3: last lines} / {@code `cmd` timed out after 5s} / {@code `cmd` could not start: ...}. */
    String describe(Duration timeout) {
      String what;
      if (startError != null) {
        what = "`" + command + "` could not start: " + startError;
      } else if (timedOut) {
        what = "`" + command + "` timed out after " + timeout.toMillis() + "ms";
      } else {
        what = "`" + command + "` exited " + exitCode;
      }
      return output.isEmpty() ? what : what + ": " + output;
    }
  }

  static Result run(String command, Duration timeout) {
    return run(List.of("sh", "-c", command), command, timeout);
  }

  static Result run(List<String> argv, String display, Duration timeout) {
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(display, -1, false, "", e.getMessage());
    }
    Deque<String> tail = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (tail) {
            tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
          }
        }
      } catch (IOException ignored) {
        // the process was killed: keep what was read
      }
    }, "otaflow-command-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(process);
      return new Result(display, -1, false, "", "interrupted");
    }
    if (!finished) {
      killTree(process);
    }
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String output;
    synchronized (tail) {
      output = String.join(" | ", tail).strip();
    }
    return new Result(display, finished ? process.exitValue() : -1, !finished, output, null);
  }

  /**
   * The shell first, then what it started: killed the other way round, the shell may still report its child's death
   * ("Killed") into the output. The children are listed before, as they leave the tree when the shell dies.
   */
  private static void killTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
