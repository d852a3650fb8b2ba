package io.stepwise.engine.kms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EncryptionRoutingTest {
  @Test
  void executionArn_routesToItsStateMachine() {
    assertThat(Encryption.machineOf("arn:aws:states:us-east-1:123456789012:execution:orders:run-1"))
        .isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:orders");
  }

  @Test
  void notAnExecutionArn_isLeftAsItIs() {
    String machine = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
    assertThat(Encryption.machineOf(machine)).isEqualTo(machine);
  }

  @Test
  void quota_refusesBeyondItsBurst_andZeroMeansNoLimit() {
    KmsQuota two = new KmsQuota(2);
    assertThat(two.tryAcquire()).isTrue();
    assertThat(two.tryAcquire()).isTrue();
    assertThat(two.tryAcquire()).isFalse();
    KmsQuota unlimited = new KmsQuota(0);
    for (int i = 0; i < 1000; i++) assertThat(unlimited.tryAcquire()).isTrue();
  }
}
