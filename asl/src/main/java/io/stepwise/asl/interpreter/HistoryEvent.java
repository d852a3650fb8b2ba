package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One history event as GetExecutionHistory returns it. {@code type} is AWS's event type
 * ({@code PassStateEntered}, ...); {@code details} holds the event's details member(s) keyed
 * exactly as AWS names them, e.g. {@code {"stateEnteredEventDetails": {"name": "A", "input": "{}",
 * "inputDetails": {"truncated": false}}}}. Ids start at 1; {@code previousEventId} is 0 for the
 * first event.
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, ObjectNode details) {}
