package io.otaflow.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's heap while a benchmark runs: the most used at any sample, and the most still live after a collection
 * (what the run really needs), sampled every {@link #INTERVAL_MILLIS} ms. The JVM's own pool peaks are reset at start.
 */
final class HeapWatch implements AutoCloseable {

  private static final long INTERVAL_MILLIS = 100;
  private static final double MB = 1024 * 1024;

  private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "heap-watch");
    thread.setDaemon(true);
    return thread;
  });
  private volatile long peakUsed;
  private volatile long peakLiveAfterGc;

  HeapWatch() {
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    sampler.scheduleAtFixedRate(this::sample, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    long used = 0;
    long liveAfterGc = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      used += pool.getUsage().getUsed();
      liveAfterGc += pool.getCollectionUsage() == null ? 0 : pool.getCollectionUsage().getUsed();
    }
    peakUsed = Math.max(peakUsed, used);
    peakLiveAfterGc = Math.max(peakLiveAfterGc, liveAfterGc);
  }

  /** The heap's limit, {@code -Xmx}, in MB. */
  static double maxHeapMb() {
    return Runtime.getRuntime().maxMemory() / MB;
  }

  double peakUsedMb() {
    return peakUsed / MB;
  }

  double peakLiveAfterGcMb() {
    return peakLiveAfterGc / MB;
  }

  @Override
  public void close() {
    sample();
    sampler.shutdownNow();
  }
}
