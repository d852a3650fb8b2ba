package io.stepwise.loadtests;

import java.lang.management.ManagementFactory;

/** This process's CPU time over a wall-clock interval: proof that the generator is not the limit. */
record CpuClock(long cpuNanos, long wallNanos) {
  static CpuClock start() {
    return new CpuClock(processCpuNanos(), System.nanoTime());
  }

  /** Percent of one core used since {@link #start()} (200 = two cores busy). */
  double percentOfOneCore() {
    return 100.0 * (processCpuNanos() - cpuNanos) / (System.nanoTime() - wallNanos);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
