package io.lockwatch.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractLimitsTest {

  @Test
  void shouldAcceptAttributesWhenWithinBounds() {
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < ContractLimits.MAX_ATTRIBUTES; i++) {
      attributes.put("k".repeat(64 - 2) + String.format("%02d", i), "v".repeat(256));
    }
    assertThat(ContractLimits.attributeViolation(attributes)).isEmpty();
  }

  @Test
  void shouldNameTheViolationWhenOverBounds() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i <= ContractLimits.MAX_ATTRIBUTES; i++) {
      tooMany.put("k" + i, "v");
    }
    assertThat(ContractLimits.attributeViolation(tooMany))
        .contains("17 attributes, at most 16 allowed");
    assertThat(ContractLimits.attributeViolation(Map.of("k".repeat(65), "v")))
        .contains("attribute key of 65 characters, at most 64 allowed");
    assertThat(ContractLimits.attributeViolation(Map.of("checksum", "v".repeat(257))))
        .contains("attribute checksum has 257 characters, at most 256 allowed");
  }
}
