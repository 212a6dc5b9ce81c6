package org.yiyang.profiles.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CitizenIdTest {

  @Test
  void acceptsTheContractExampleAndDecodesFemaleBornIn1943() {
    String id = "330302194305120024";
    assertThat(CitizenId.isValid(id)).isTrue();
    assertThat(CitizenId.birthDate(id)).contains(LocalDate.of(1943, 5, 12));
    assertThat(CitizenId.gbSexCode(id)).contains("2");
  }

  @Test
  void decodesMaleFromOddSequence() {
    // The widely published GB 11643 example: sequence 002 (even, female), check character X.
    String id = "11010519491231002X";
    assertThat(CitizenId.isValid(id)).isTrue();
    assertThat(CitizenId.birthDate(id)).contains(LocalDate.of(1949, 12, 31));
    assertThat(CitizenId.gbSexCode(id)).contains("2");
    String male = "110105194912310011";
    assertThat(CitizenId.checkChar(male)).isEqualTo(male.charAt(17));
    assertThat(CitizenId.gbSexCode(male)).contains("1");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "330302194305120025", // wrong check character
        "33030219430512002", // 17 characters
        "3303021943051200241", // 19 characters
        "11010519491231002x", // lower-case x
        "33030219430512002A", // letter other than X
        "33030219430230002X", // 30 February (check character correct)
        "330302299901010017", // born in the future (check character correct)
      })
  void rejects(String id) {
    assertThat(CitizenId.isValid(id)).isFalse();
    assertThat(CitizenId.birthDate(id)).isEmpty();
    assertThat(CitizenId.gbSexCode(id)).isEmpty();
  }
}
