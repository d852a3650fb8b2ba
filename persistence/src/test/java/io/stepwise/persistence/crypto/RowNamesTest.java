package io.stepwise.persistence.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowNamesTest {
  private static RowNames names(int seed) {
    byte[] material = new byte[32];
    for (int i = 0; i < material.length; i++) material[i] = (byte) (seed + i);
    return RowNames.fromMaterial(material);
  }

  @Test
  void aRecurringNamesHash_isItsHash_beforeAndAfterTheKeptOnesStartOver() {
    RowNames names = names(1);
    for (int round = 0; round < 2; round++) {
      // More names than are kept: the memo starts over on the way, and answers the same.
      for (int i = 0; i < 5_000; i++) {
        String name = "arn:aws:states:us-east-1:123456789012:activity:a" + i;
        assertThat(names.hashRecurring(name)).as(name).isEqualTo(names.hash(name));
      }
    }
  }

  @Test
  void hashesDependOnTheKey_andOnTheName() {
    String name = "arn:aws:states:us-east-1:123456789012:activity:worker";
    assertThat(names(1).hashRecurring(name)).isNotEqualTo(names(2).hashRecurring(name));
    assertThat(names(1).hashRecurring(name)).isNotEqualTo(names(1).hashRecurring(name + "2"));
    assertThat(names(1).hashRecurring(name)).hasSize(RowNames.HASH_BYTES);
  }
}
