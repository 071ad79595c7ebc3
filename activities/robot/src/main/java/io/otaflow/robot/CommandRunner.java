package io.otaflow.robot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one shell command ({@code sh -c}) with a timeout, keeping the last lines of its output (stderr merged), or,
 * for a command that answers on stdout ({@link #runForStdout}), its whole stdout apart from the last lines of stderr.
 */
public final class CommandRunner {

  static final int TAIL_LINES = 10;
  private static final int MAX_LINE = 300;
  /** Where {@link #runForStdout} stops keeping stdout: far more than a command's answer needs, bounded all the same. */
  private static final int MAX_STDOUT_CHARS = 64 * 1024;

  private CommandRunner() {
  }

  /**
   * @param exitCode the command's exit status; -1 when it timed out or could not start
   * @param output the last {@value #TAIL_LINES} lines, joined with " | "
   * @param stdout everything the command printed on stdout (from {@link #runForStdout}); empty otherwise
   */
  public record Result(String command, int exitCode, boolean timedOut, String output, String startError,
                       String stdout) {

    public boolean ok() {
      return exitCode == 0 && !timedOut && startError == null;
    }

    /** {@code `cmd` exited 3: last lines} / {@code `cmd` timed out after 5s} / {@code `cmd` could not start: ...}. */
    public String describe(Duration timeout) {
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

  public static Result run(String command, Duration timeout) {
    return run(List.of("sh", "-c", command), command, timeout, false);
  }

  static Result run(List<String> argv, String display, Duration timeout) {
    return run(argv, display, timeout, false);
  }

  /** Like {@link #run(String, Duration)}, but stdout is kept whole (about 64 KiB at most) and only stderr is tailed. */
  public static Result runForStdout(String command, Duration timeout) {
    return run(List.of("sh", "-c", command), command, timeout, true);
  }

  private static Result run(List<String> argv, String display, Duration timeout, boolean keepStdout) {
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectErrorStream(!keepStdout).start();
    } catch (IOException e) {
      return new Result(display, -1, false, "", e.getMessage(), "");
    }
    Deque<String> tail = new ArrayDeque<>();
    StringBuilder stdout = new StringBuilder();
    List<Thread> readers = new ArrayList<>();
    readers.add(reader(keepStdout ? process.getErrorStream() : process.getInputStream(), line -> {
      synchronized (tail) {
        tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
        if (tail.size() > TAIL_LINES) {
          tail.removeFirst();
        }
      }
    }));
    if (keepStdout) {
      readers.add(reader(process.getInputStream(), line -> {
        synchronized (stdout) {
          if (stdout.length() < MAX_STDOUT_CHARS) {
            stdout.append(line).append('\n');
          }
        }
      }));
    }
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(process);
      return new Result(display, -1, false, "", "interrupted", "");
    }
    if (!finished) {
      killTree(process);
    }
    try {
      for (Thread reader : readers) {
        reader.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String output;
    synchronized (tail) {
      output = String.join(" | ", tail).strip();
    }
    String printed;
    synchronized (stdout) {
      printed = stdout.toString();
    }
    return new Result(display, finished ? process.exitValue() : -1, !finished, output, null, printed);
  }

  /** Hands each line of {@code stream} to {@code line} on a daemon thread, until the stream ends. */
  private static Thread reader(InputStream stream, Consumer<String> line) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String next = in.readLine(); next != null; next = in.readLine()) {
          line.accept(next);
        }
      } catch (IOException ignored) {
        // the process was killed: keep what was read
      }
    }, "otaflow-command-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
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
