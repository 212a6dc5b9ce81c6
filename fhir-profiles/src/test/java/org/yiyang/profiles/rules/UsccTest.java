package org.yiyang.profiles.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UsccTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "52330300MJ8712345N", // the project's example facility (民办非企业单位, Wenzhou)
        "91350100M000100Y43", // the worked example printed in GB 32100-2015
      })
  void acceptsValidCodes(String code) {
    assertThat(Uscc.isValid(code)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "52330300MJ8712345M", // wrong check character
        "91350100M000100Y44", // wrong check character
        "52330300MJ8712345", // 17 characters
        "52330300MJ8712345NN", // 19 characters
        "52330300MI8712345N", // I is not in the alphabet
        "52330300mj8712345N", // lower case
      })
  void rejectsInvalidCodes(String code) {
    assertThat(Uscc.isValid(code)).isFalse();
  }
}
