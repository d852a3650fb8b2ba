package io.stepwise.asl.model;

import java.util.List;

/** One Retry rule. {@code maxDelaySeconds} null when unset; {@code jitterFull} for JitterStrategy FULL. */
public record Retrier(
    List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate, Integer maxDelaySeconds, boolean jitterFull) {}
