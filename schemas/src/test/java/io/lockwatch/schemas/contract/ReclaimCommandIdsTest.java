package io.lockwatch.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReclaimCommandIdsTest {

  @Test
  void shouldGiveTheSameIdWhenTheSameHoldingIsReclaimedAgain() {
    assertThat(ReclaimCommandIds.of("aim_lock_config.conf", 41))
        .isEqualTo(ReclaimCommandIds.of("aim_lock_config.conf", 41));
  }

  @Test
  void shouldGiveDifferentIdsWhenTheTokenOrLockDiffers() {
    assertThat(ReclaimCommandIds.of("aim_lock_config.conf", 41))
        .isNotEqualTo(ReclaimCommandIds.of("aim_lock_config.conf", 42))
        .isNotEqualTo(ReclaimCommandIds.of("other.conf", 41));
    assertThat(ReclaimCommandIds.of("a1", 2)).isNotEqualTo(ReclaimCommandIds.of("a", 12));
  }

  @Test
  void shouldBeANameBasedUuidWhenParsed() {
    assertThat(UUID.fromString(ReclaimCommandIds.of("x", 1)).version()).isEqualTo(3);
  }
}
