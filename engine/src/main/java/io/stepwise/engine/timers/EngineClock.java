package io.stepwise.engine.timers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's clock: real time, real time run {@code scale} times faster, or virtual time that
 * stands still until the wake-up scheduler moves it to the next deadline, so Waits, retry
 * back-offs and timeouts complete without real waiting, in deadline order. Histories take their
 * timestamps from it.
 */
public final class EngineClock extends Clock {
  public enum Mode { REAL, SCALED, VIRTUAL }

  private final Mode mode;
  private final Clock base;
  private final double scale;
  private final long originNanos;
  private final Instant origin;
  /** Virtual mode: the current instant, in epoch microseconds. */
  private final AtomicLong virtualMicros;

  private EngineClock(Mode mode, Clock base, double scale) {
    this.mode = mode;
    this.base = base;
    this.scale = scale;
    this.origin = base.instant();
    this.originNanos = System.nanoTime();
    this.virtualMicros = new AtomicLong(micros(origin));
  }

  public static EngineClock real(Clock base) {
    return new EngineClock(Mode.REAL, base, 1);
  }

  /** Real time from now on, {@code scale} times faster ({@code scale >= 1}). */
  public static EngineClock scaled(double scale) {
    if (!(scale >= 1)) throw new IllegalArgumentException("stepwise.clock.scale must be at least 1, got " + scale);
    return scale == 1 ? real(Clock.systemUTC()) : new EngineClock(Mode.SCALED, Clock.systemUTC(), scale);
  }

  /** Starts at the real current time and moves only when {@link #advanceTo} is called. */
  public static EngineClock virtual() {
    return new EngineClock(Mode.VIRTUAL, Clock.systemUTC(), 1);
  }

  public Mode mode() {
    return mode;
  }

  public boolean isVirtual() {
    return mode == Mode.VIRTUAL;
  }

  @Override
  public Instant instant() {
    return switch (mode) {
      case REAL -> base.instant();
      case SCALED -> origin.plusNanos((long) ((System.nanoTime() - originNanos) * scale));
      case VIRTUAL -> ofMicros(virtualMicros.get());
    };
  }

  /** Virtual mode: moves the clock forward to {@code at} (never backwards). */
  public void advanceTo(Instant at) {
    if (mode != Mode.VIRTUAL) throw new IllegalStateException("only a virtual clock is moved by hand");
    long target = micros(at);
    virtualMicros.accumulateAndGet(target, Math::max);
  }

  /** How long to really wait for {@code d} of this clock's time to pass (virtual time never waits). */
  public Duration realDelay(Duration d) {
    if (d.isNegative()) return Duration.ZERO;
    return switch (mode) {
      case REAL -> d;
      case SCALED -> Duration.ofNanos((long) (d.toNanos() / scale));
      case VIRTUAL -> Duration.ZERO;
    };
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) return this;
    throw new UnsupportedOperationException("the engine clock is UTC");
  }

  private static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  private static Instant ofMicros(long m) {
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1_000);
  }
}
