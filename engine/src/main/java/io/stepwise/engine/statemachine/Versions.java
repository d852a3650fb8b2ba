package io.stepwise.engine.statemachine;

import io.stepwise.engine.ServiceError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The published versions of one state machine, as AWS keeps them: numbered from 1 in publishing
 * order, a number never used again once deleted, each an immutable copy of the machine's revision
 * when it was published, at most {@value #MAX} at a time. Immutable; the entity persists changes.
 */
public final class Versions {
  /** AWS's quota of versions per state machine. */
  public static final int MAX = 1000;
  public static final Versions NONE = new Versions(Collections.emptyNavigableMap(), 0);

  /** One version: the machine's record as published (its own ARN, creation date and description). */
  public record Version(int number, StateMachineRecord record) {}

  private final NavigableMap<Integer, Version> byNumber;
  private final int last;

  private Versions(NavigableMap<Integer, Version> byNumber, int last) {
    this.byNumber = byNumber;
    this.last = last;
  }

  /** The version ARN of {@code number} of the machine {@code machineArn}. */
  public static String arn(String machineArn, int number) {
    return machineArn + ":" + number;
  }

  /** {@code current} published as version {@code number} (the next one) at {@code at}. */
  Versions published(int number, StateMachineRecord current, String description, Instant at) {
    TreeMap<Integer, Version> next = new TreeMap<>(byNumber);
    StateMachineRecord copy = new StateMachineRecord(arn(current.stateMachineArn(), number), current.name(),
        current.type(), current.definition(), current.roleArn(), at, null, current.revisionId(), description,
        current.loggingConfiguration(), current.tracingConfiguration(), current.encryptionConfiguration());
    next.put(number, new Version(number, copy));
    return new Versions(Collections.unmodifiableNavigableMap(next), Math.max(last, number));
  }

  Versions without(int number) {
    if (!byNumber.containsKey(number)) return this;
    TreeMap<Integer, Version> next = new TreeMap<>(byNumber);
    next.remove(number);
    return new Versions(Collections.unmodifiableNavigableMap(next), last);
  }

  /** The number the next version gets. */
  int nextNumber() {
    return last + 1;
  }

  int size() {
    return byNumber.size();
  }

  public Optional<Version> get(int number) {
    return Optional.ofNullable(byNumber.get(number));
  }

  /** The newest version, if it is of {@code revisionId}: publishing that revision again gives it back. */
  Optional<Version> ofLatestRevision(String revisionId) {
    if (byNumber.isEmpty()) return Optional.empty();
    Version newest = byNumber.lastEntry().getValue();
    return newest.record().revisionId().equals(revisionId) ? Optional.of(newest) : Optional.empty();
  }

  /** Newest first. */
  public List<Version> newestFirst() {
    return new ArrayList<>(byNumber.descendingMap().values());
  }

  static ServiceError quotaExceeded(String machineArn) {
    return new ServiceError("ServiceQuotaExceededException", 400,
        "The maximum number of versions (" + MAX + ") of state machine '" + machineArn + "' has been reached", Map.of());
  }
}
