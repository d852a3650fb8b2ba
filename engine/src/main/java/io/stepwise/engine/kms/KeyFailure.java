package io.stepwise.engine.kms;

/** Why an execution fails when its machine's KMS key cannot be used: the error and cause of its ExecutionFailed event. */
public record KeyFailure(String error, String cause) {}
