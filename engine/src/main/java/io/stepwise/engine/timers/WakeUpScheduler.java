package io.stepwise.engine.timers;

import io.stepwise.persistence.index.WakeUpIndex;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the durable wake-up index. Only deadlines due soon are held in memory (a horizon ahead of
 * the clock, loaded in chunks), so a million executions waiting an hour cost disk, not heap. At
 * start it loads from the beginning of the index, so everything that fell due while the server
 * was down fires at once. Each due row is handed to its entity, at most {@code maxInFlight} at a
 * time; an entity that answers "not yet" or fails is tried again later. Rows are deleted by the
 * entities once the step that consumed them is persisted, never here.
 *
 * <p>With a virtual clock, when nothing is in flight the clock jumps to the next deadline, so
 * deadlines fire in order without real waiting.
 */
public final class WakeUpScheduler {
  private static final Logger log = LoggerFactory.getLogger(WakeUpScheduler.class);
  private static final int CHUNK = 20_000;
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** What an entity answered: null when done, else when to try again. */
  public interface Target extends Function<WakeUp, CompletionStage<Instant>> {}

  /** A row of the index and when to hand it over (its deadline, or later after a retry). */
  private record Due(long at, WakeUp row) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : row.compareTo(o.row);
    }
  }

  private final WakeUpIndex index;
  private final EngineClock clock;
  private final Target target;
  private final long horizonMillis;
  private final int maxInFlight;
  /** In-flight count at which a finished hand-over wakes the loop: it refills in bulk, not one by one. */
  private final int refillAt;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentSkipListSet<Due> due = new ConcurrentSkipListSet<>();
  private final Object signal = new Object();
  /** Every row with a deadline up to here is in memory or already handed over. */
  private volatile long loadedUntil = -1;
  private volatile boolean running = true;
  private final Thread thread;

  public WakeUpScheduler(WakeUpIndex index, EngineClock clock, Target target, Duration horizon, int maxInFlight) {
    this.index = index;
    this.clock = clock;
    this.target = target;
    this.horizonMillis = horizon.toMillis();
    if (maxInFlight < 1) throw new IllegalArgumentException("wake-ups-in-flight must be positive, was " + maxInFlight);
    this.maxInFlight = maxInFlight;
    this.refillAt = maxInFlight / 2;
    this.thread = new Thread(this::loop, "stepwise-wake-ups");
    thread.setDaemon(true);
  }

  /** Virtual time does not move while {@code busy} says work outside the scheduler is under way (calls out). */
  private volatile java.util.function.BooleanSupplier busy = () -> false;

  public void holdVirtualTimeWhile(java.util.function.BooleanSupplier busy) {
    this.busy = busy;
  }

  public void start() {
    thread.start();
  }

  public void stop() {
    running = false;
    thread.interrupt();
  }

  /** Call once {@code row} is durable in the index, so that a load in progress cannot miss it. */
  public void scheduled(WakeUp row) {
    if (row.deadline().toEpochMilli() <= loadedUntil) {
      due.add(new Due(row.deadline().toEpochMilli(), row));
      wake();
    }
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (running) {
      try {
        load();
        Due head = due.isEmpty() ? null : due.first();
        long now = clock.millis();
        if (head != null && head.at <= now) {
          if (inFlight.get() >= maxInFlight) {
            await(100);
          } else {
            fire(due.pollFirst());
          }
          continue;
        }
        if (clock.isVirtual()) {
          if (head != null && inFlight.get() == 0 && !busy.getAsBoolean()) {
            clock.advanceTo(Instant.ofEpochMilli(head.at));
            continue;
          }
          await(50);
        } else {
          long wait = head == null ? 1_000 : clock.realDelay(Duration.ofMillis(head.at - now)).toMillis();
          await(Math.max(1, Math.min(wait, 1_000)));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A storage error must not stop the timers of every execution: log and try again.
        log.error("Wake-up scheduler: {}", e.toString(), e);
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void await(long millis) throws InterruptedException {
    synchronized (signal) {
      signal.wait(millis);
    }
  }

  /** Loads the next chunk of rows when memory runs low and the horizon moved past what is loaded. */
  private void load() {
    long target = clock.isVirtual() ? Long.MAX_VALUE - 1 : clock.millis() + horizonMillis;
    if (loadedUntil >= target || due.size() >= CHUNK) return;
    long after = loadedUntil;
    // Rows made durable from here on go to memory directly; the scan finds the older ones.
    loadedUntil = target;
    int max = CHUNK;
    List<WakeUp> rows = index.scan(after, target, max);
    while (rows.size() == max && sameDeadline(rows)) {
      max *= 4;
      rows = index.scan(after, target, max);
    }
    long until = target;
    if (rows.size() == max) {
      // More rows may share the last deadline: take the chunk up to just before it.
      until = rows.get(rows.size() - 1).deadline().toEpochMilli() - 1;
    }
    for (WakeUp w : rows) {
      if (w.deadline().toEpochMilli() <= until) due.add(new Due(w.deadline().toEpochMilli(), w));
    }
    loadedUntil = until;
  }

  private static boolean sameDeadline(List<WakeUp> rows) {
    return rows.get(0).deadline().equals(rows.get(rows.size() - 1).deadline());
  }

  private void fire(Due d) {
    if (d == null) return;
    inFlight.incrementAndGet();
    CompletionStage<Instant> answer;
    try {
      answer = target.apply(d.row);
    } catch (RuntimeException e) {
      answer = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((retryAt, failure) -> {
      boolean retry = failure != null || retryAt != null;
      if (failure != null) {
        log.debug("Wake-up of {} failed, retrying: {}", d.row.entityId(), failure.toString());
        due.add(new Due(clock.instant().plus(RETRY).toEpochMilli(), d.row));
      } else if (retryAt != null) {
        due.add(new Due(retryAt.toEpochMilli(), d.row));
      }
      int left = inFlight.decrementAndGet();
      // The loop sleeps until the next deadline or until the in-flight hand-overs fall to half (and,
      // on a virtual clock, to none): waking it on every one would cost a thread switch each.
      if (retry || left == refillAt || left == 0) wake();
    });
  }
}
