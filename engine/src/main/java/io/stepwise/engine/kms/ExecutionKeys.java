package io.stepwise.engine.kms;

import java.util.Optional;

/**
 * What an execution needs to know of its machine's KMS key: whether it can be used now and, when
 * it cannot, how to seal the failure that ends the execution (under the service-owned key, the
 * only one that still can). {@link Encryption} is the implementation; {@link #SERVICE_OWNED}
 * stands for a store with no customer keys. {@link #unusableFor} may read the key table: call it
 * off Pekko's dispatchers.
 */
public interface ExecutionKeys {
  /** Why executions of {@code stateMachineArn} cannot go on now, if its key is unusable. */
  Optional<KeyFailure> unusable(String stateMachineArn);

  /** Why data that could not be read ({@code reason}, as the journal gave it) cannot be, if its key is unusable. */
  Optional<KeyFailure> unusableFor(String reason);

  void sealWithoutCustomerKey(String executionArn);

  void sealWithCustomerKey(String executionArn);

  /** Only service-owned keys: always usable. */
  ExecutionKeys SERVICE_OWNED = new ExecutionKeys() {
    @Override
    public Optional<KeyFailure> unusable(String stateMachineArn) {
      return Optional.empty();
    }

    @Override
    public Optional<KeyFailure> unusableFor(String reason) {
      return Optional.empty();
    }

    @Override
    public void sealWithoutCustomerKey(String executionArn) {}

    @Override
    public void sealWithCustomerKey(String executionArn) {}
  };
}
