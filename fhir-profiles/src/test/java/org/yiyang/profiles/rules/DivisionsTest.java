package org.yiyang.profiles.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.yiyang.profiles.rules.Divisions.Parts;

class DivisionsTest {

  @Test
  void countyOfAPrefectureIsStateCityDistrict() {
    assertThat(Divisions.of("330302")).contains(new Parts("浙江省", "温州市", "鹿城区"));
    assertThat(Divisions.of("370406")).contains(new Parts("山东省", "枣庄市", "山亭区"));
  }

  @Test
  void prefectureAndProvinceAreTheirLevelsOnly() {
    assertThat(Divisions.of("330300")).contains(new Parts("浙江省", "温州市", null));
    assertThat(Divisions.of("140000")).contains(new Parts("山西省", null, null));
    // A prefecture without counties in the edition (东莞市).
    assertThat(Divisions.of("441900")).contains(new Parts("广东省", "东莞市", null));
  }

  @Test
  void municipalityDistrictsHaveTheMunicipalityAsCity() {
    assertThat(Divisions.of("110101")).contains(new Parts("北京市", "北京市", "东城区"));
    assertThat(Divisions.of("500101")).contains(new Parts("重庆市", "重庆市", "万州区"));
  }

  @Test
  void countyUnderAProvinceDirectlyIsADistrictWithoutCity() {
    assertThat(Divisions.of("429004")).contains(new Parts("湖北省", null, "仙桃市"));
  }

  @Test
  void unknownCodesHaveNoParts() {
    assertThat(Divisions.of("999999")).isEmpty();
    assertThat(Divisions.of(null)).isEmpty();
  }
}
