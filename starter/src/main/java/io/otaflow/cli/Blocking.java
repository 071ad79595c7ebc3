package io.otaflow.cli;

/** For commands that serve until the process is stopped; their shutdown hooks do the cleaning up. */
final class Blocking {

  private Blocking() {
  }

  static void untilKilled() throws InterruptedException {
    Thread.currentThread().join();
  }
}
