package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.rules.CitizenId;
import org.yiyang.profiles.rules.Uscc;

/**
 * Synthetic elders for integration testers (issue 21): residents with their assessment, yearly
 * check-up and chronic-disease follow-ups, in the exchange format of the mappings' samples, plus
 * resident records broken on purpose, one per {@link InvalidKind}.
 *
 * <p>Deterministic for a seed: the same seed, division and facility give the same records on any
 * machine and any day (dates are counted back from {@link #AS_OF}, not from today). Check
 * characters are never computed here: of all candidates the one the gateway's own {@link CitizenId}
 * and {@link Uscc} accept is taken, so the generator cannot drift from the checks. Divisions come
 * from the package's GB/T 2260 CodeSystem, the list the gateway validates against.
 *
 * <p>The data is synthetic and marked so: resident numbers start with {@code SYN-}, names of
 * facilities and addresses say 合成 (synthetic). It still looks like personal data, so it is never
 * logged.
 */
public final class ElderGenerator {

  /** The day the elders' ages and record dates are counted back from. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 1, 1);

  /** The default division prefix: 温州市 (Wenzhou), the seeds' city. */
  public static final String DEFAULT_DIVISION = "3303";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;

  private static final String[] SURNAMES = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
    "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘",
    "蒋", "蔡", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "钟", "谭", "陆", "金", "夏", "欧阳", "司马",
    "诸葛", "上官"
  };
  private static final String[] GIVEN_FEMALE = {
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "玉珍", "淑珍", "素珍", "翠花", "秀珍", "玉梅", "丽华", "淑英", "美兰", "金凤",
    "芳", "英", "兰", "淼"
  };
  private static final String[] GIVEN_MALE = {
    "建国", "国强", "志强", "德明", "建华", "卫东", "国庆", "振华", "永福", "文斌", "家宝", "福生", "德胜", "长林", "树林", "学文",
    "伟", "军", "堃", "喆"
  };

  /** Rare characters (CJK extension A and B, the latter outside the BMP) that software mangles. */
  private static final String[] RARE_GIVEN = {"䶮", "𠮷", "龑", "犇"};

  /** Names of minorities written with the middle dot, with their GB 3304 ethnicity. */
  private record MinorityName(String name, String ethnicCode, boolean male) {}

  private static final MinorityName[] MINORITY_NAMES = {
    new MinorityName("阿依古丽·买买提", "05", false),
    new MinorityName("买买提·艾力", "05", true),
    new MinorityName("热依拉·吐尔逊", "05", false),
    new MinorityName("努尔兰·沙肯", "17", true),
    new MinorityName("古丽娜尔·哈山", "17", false),
    new MinorityName("扎西次仁", "04", true),
    new MinorityName("其其格", "02", false),
    new MinorityName("巴特尔", "02", true)
  };

  private static final String[] TCM_TYPES = {
    "balanced",
    "qi-deficiency",
    "yang-deficiency",
    "yin-deficiency",
    "phlegm-dampness",
    "damp-heat",
    "blood-stasis",
    "qi-stagnation",
    "inherited-special"
  };
  private static final String[] MARITAL = {"20", "20", "21", "22", "30", "30", "40", "10"};
  private static final String[] SERVICE_MODES = {"residential", "day-care", "home-based"};
  private static final String[] RELATIONSHIPS = {"女儿", "儿子", "配偶", "侄子", "儿媳"};

  private static volatile List<String> allCounties;

  private final Random random;
  private final String seedTag;
  private final List<String> counties;
  private final String facilityCode;
  private final String institutionCode;
  private final Set<String> usedIds = new HashSet<>();
  private int next;

  /**
   * A generator for one facility.
   *
   * @param seed the seed; the same seed gives the same elders
   * @param division a GB/T 2260 code or prefix (e.g. {@code 33}, {@code 3303}, {@code 330300},
   *     {@code 330302}): the elders' ID numbers and addresses take county-level divisions under it
   * @param facilityCode the facility's USCC, or null for a generated one in the division
   * @throws IllegalArgumentException when no county-level division lies under {@code division}, or
   *     the facility code fails GB 32100
   */
  public ElderGenerator(long seed, String division, String facilityCode) {
    this.random = new Random(seed);
    this.seedTag = Long.toString(seed, 36).replace('-', 'n');
    this.counties = countiesUnder(division == null ? DEFAULT_DIVISION : division);
    if (facilityCode != null && !Uscc.isValid(facilityCode)) {
      throw new IllegalArgumentException("facilityCode: fails the GB 32100 check");
    }
    String prefecture = counties.get(0).substring(0, 4) + "00";
    // 52: registered with civil affairs as a social-service body (民政/社会服务机构), as facilities are;
    // 12: a public institution (事业单位), as most hospitals are.
    this.facilityCode = facilityCode != null ? facilityCode : uscc("52" + prefecture);
    this.institutionCode = uscc("12" + prefecture);
  }

  /** The facility all generated records name. */
  public String facilityCode() {
    return facilityCode;
  }

  /** The next {@code count} elders. */
  public List<SyntheticElder> elders(int count) {
    List<SyntheticElder> elders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      elders.add(nextElder());
    }
    return elders;
  }

  /** One broken resident record of each kind, each otherwise valid and new. */
  public List<InvalidRecord> invalidResidents() {
    List<InvalidRecord> records = new ArrayList<>();
    for (InvalidKind kind : InvalidKind.values()) {
      records.add(new InvalidRecord(kind, broken(kind, nextElder().resident())));
    }
    return records;
  }

  /** The next elder. */
  public SyntheticElder nextElder() {
    int index = ++next;
    String residentNo = "SYN-" + seedTag + "-" + index;
    boolean male = random.nextBoolean();
    LocalDate birth = AS_OF.minusYears(65 + random.nextInt(36)).minusDays(1 + random.nextInt(364));
    String county = pick(counties);
    ObjectNode resident = JSON.createObjectNode();
    resident.put("facilityCode", facilityCode);
    resident.put("facilityName", "合成测试颐养院");
    resident.put("residentNo", residentNo);
    if (random.nextInt(10) == 0) {
      MinorityName minority = MINORITY_NAMES[random.nextInt(MINORITY_NAMES.length)];
      male = minority.male();
      resident.put("name", minority.name());
      resident.put("ethnicCode", minority.ethnicCode());
    } else {
      String given =
          random.nextInt(20) == 0 ? pick(RARE_GIVEN) : male ? pick(GIVEN_MALE) : pick(GIVEN_FEMALE);
      resident.put("name", pick(SURNAMES) + given);
      resident.put("ethnicCode", random.nextInt(20) == 0 ? "03" : "01");
    }
    resident.put("idCardNo", citizenId(county, birth, male));
    resident.put("genderCode", male ? "1" : "2");
    resident.put("birthDate", birth.toString());
    resident.put("maritalStatusCode", pick(MARITAL));
    resident.put("phone", phone());
    ObjectNode address = resident.putObject("address");
    address.put("divisionCode", county);
    address.put("text", "合成地址" + (1 + random.nextInt(200)) + "号");
    ObjectNode contact = resident.putArray("emergencyContacts").addObject();
    contact.put("name", pick(SURNAMES) + (random.nextBoolean() ? pick(GIVEN_MALE) : "敏"));
    contact.put("relationship", pick(RELATIONSHIPS));
    contact.put("phone", phone());
    resident.put("serviceMode", pick(SERVICE_MODES));
    resident.put("admissionDate", AS_OF.minusDays(30 + random.nextInt(2000)).toString());
    if (random.nextInt(8) == 0) {
      resident.putArray("specialGroups").add("minimum-living-allowance");
    }
    return new SyntheticElder(
        resident, assessment(residentNo, index), checkup(residentNo, index), followUps(residentNo));
  }

  private ObjectNode assessment(String residentNo, int index) {
    ObjectNode record = record(residentNo);
    record.put("assessmentNo", "A-" + seedTag + "-" + index);
    record.put("assessmentDate", AS_OF.minusDays(1 + random.nextInt(300)).toString());
    record.put("assessorName", pick(SURNAMES) + "评估");
    int selfCare = random.nextInt(33);
    int mobility = random.nextInt(17);
    int mental = random.nextInt(31);
    int perception = random.nextInt(13);
    int total = selfCare + mobility + mental + perception;
    ObjectNode ability = record.putObject("ability");
    ability.put("selfCareScore", selfCare);
    ability.put("mobilityScore", mobility);
    ability.put("mentalScore", mental);
    ability.put("perceptionSocialScore", perception);
    ability.put("totalScore", total);
    // No raise conditions (dementia, psychiatric disorder, two or more risk events): the level is
    // the band of the score, GB/T 42195-2022.
    ability.put("dementia", false);
    ability.put("psychiatricDisorder", false);
    ability.put("careRiskEvents30d", random.nextInt(2));
    ability.put(
        "level",
        total == 90 ? "0" : total >= 66 ? "1" : total >= 46 ? "2" : total >= 30 ? "3" : "4");
    record.putObject("tcm").put("mainType", pick(TCM_TYPES));
    return record;
  }

  private ObjectNode checkup(String residentNo, int index) {
    ObjectNode record = record(residentNo);
    LocalDate date = AS_OF.minusDays(5 + random.nextInt(300));
    record.put("checkupNo", "HC-" + seedTag + "-" + index);
    record.put("checkupDate", date.toString());
    record.put("place", random.nextBoolean() ? "facility" : "institution");
    record.put("institutionCode", institutionCode);
    record.put("institutionName", "合成测试人民医院");
    record.put("doctorName", pick(SURNAMES) + pick(GIVEN_MALE));
    record.put("reportDate", date.plusDays(random.nextInt(4)).toString());
    ObjectNode exam = record.putObject("physicalExam");
    double height = 145 + random.nextInt(35) + random.nextInt(10) / 10.0;
    double weight = 42 + random.nextInt(40) + random.nextInt(10) / 10.0;
    exam.put("systolic", 105 + random.nextInt(70));
    exam.put("diastolic", 60 + random.nextInt(40));
    exam.put("heartRate", 55 + random.nextInt(45));
    exam.put("height", height);
    exam.put("weight", weight);
    exam.put("bmi", Math.round(weight / Math.pow(height / 100, 2) * 10) / 10.0);
    exam.put("waist", 65 + random.nextInt(40));
    ObjectNode labs = record.putObject("labs");
    labs.put("fastingGlucose", 4.0 + random.nextInt(50) / 10.0);
    labs.put("totalCholesterol", 3.5 + random.nextInt(35) / 10.0);
    labs.put("triglycerides", 0.6 + random.nextInt(25) / 10.0);
    labs.put("hdl", 0.8 + random.nextInt(10) / 10.0);
    labs.put("ldl", 1.8 + random.nextInt(25) / 10.0);
    int score = random.nextInt(38);
    ObjectNode selfCare = record.putObject("selfCare");
    selfCare.put("score", score);
    selfCare.put(
        "level",
        score <= 3
            ? "independent"
            : score <= 8 ? "mild-dependence" : score <= 18 ? "moderate-dependence" : "dependent");
    record.put("conclusion", "合成体检结论：建议低盐低脂饮食，定期复查。");
    return record;
  }

  /** Quarterly follow-ups of hypertension or type 2 diabetes, for about half of the elders. */
  private List<ObjectNode> followUps(String residentNo) {
    if (random.nextBoolean()) {
      return List.of();
    }
    boolean diabetes = random.nextInt(3) == 0;
    LocalDate diagnosed = AS_OF.minusYears(2 + random.nextInt(15)).minusDays(random.nextInt(365));
    LocalDate managed = AS_OF.minusDays(400 + random.nextInt(300));
    List<ObjectNode> records = new ArrayList<>();
    int quarters = 1 + random.nextInt(4);
    for (int q = 1; q <= quarters; q++) {
      ObjectNode record = record(residentNo);
      record.put("followUpNo", "FU-" + residentNo.substring(4) + "-Q" + q);
      record.put("followUpDate", AS_OF.minusDays(365 - 90L * q + random.nextInt(20)).toString());
      record.put("institutionCode", institutionCode);
      record.put("institutionName", "合成测试人民医院");
      record.put("doctorName", pick(SURNAMES) + pick(GIVEN_MALE));
      ObjectNode disease = record.putObject("disease");
      disease.put("icd10Code", diabetes ? "E11" : "I10");
      disease.put("diagnosisDate", diagnosed.toString());
      disease.put("managementStartDate", managed.toString());
      ObjectNode measurements = record.putObject("measurements");
      measurements.put("systolic", 115 + random.nextInt(50));
      measurements.put("diastolic", 65 + random.nextInt(30));
      measurements.put("heartRate", 58 + random.nextInt(30));
      measurements.put("weight", 45 + random.nextInt(35) + random.nextInt(10) / 10.0);
      if (diabetes) {
        measurements.put("fastingGlucose", 5.5 + random.nextInt(40) / 10.0);
      }
      ArrayNode medications = record.putArray("medications");
      ObjectNode medication = medications.addObject();
      medication.put("name", diabetes ? "二甲双胍片 0.5g" : "苯磺酸氨氯地平片 5mg");
      medication.put("usage", "每日一次，每次1片");
      medication.put("longTerm", true);
      records.add(record);
    }
    return records;
  }

  private ObjectNode record(String residentNo) {
    ObjectNode record = JSON.createObjectNode();
    record.put("facilityCode", facilityCode);
    record.put("residentNo", residentNo);
    return record;
  }

  private ObjectNode broken(InvalidKind kind, ObjectNode resident) {
    String id = resident.get("idCardNo").asText();
    switch (kind) {
      case BAD_CHECK_CHARACTER -> {
        char check = id.charAt(17);
        resident.put("idCardNo", id.substring(0, 17) + (check == '0' ? '1' : '0'));
      }
      case BAD_DIVISION -> ((ObjectNode) resident.get("address")).put("divisionCode", "999999");
      case BIRTH_DATE_IN_FUTURE -> resident.put("birthDate", "2999-01-01");
      case WRONG_SEX_PARITY ->
          resident.put("genderCode", "1".equals(resident.get("genderCode").asText()) ? "2" : "1");
      case BAD_USCC -> {
        char check = facilityCode.charAt(17);
        resident.put("facilityCode", facilityCode.substring(0, 17) + (check == '0' ? '1' : '0'));
      }
      case MISSING_REQUIRED_FIELD -> resident.remove("name");
      case UNKNOWN_ETHNICITY -> resident.put("ethnicCode", "99");
      case UNKNOWN_FIELD -> resident.put("nickname", "合成");
    }
    return resident;
  }

  /** A GB 11643 number: division, birth date, sequence of the sex's parity, check character. */
  private String citizenId(String county, LocalDate birth, boolean male) {
    while (true) {
      int sequence = random.nextInt(500) * 2 + (male ? 1 : 0);
      String body = county + birth.format(BASIC) + String.format("%03d", sequence);
      for (char check : "0123456789X".toCharArray()) {
        String candidate = body + check;
        if (CitizenId.isValid(candidate)) {
          if (usedIds.add(candidate)) {
            return candidate;
          }
          break;
        }
      }
    }
  }

  /** A GB 32100 code: the given 8 leading characters, 9 random ones, the check character. */
  private String uscc(String head) {
    StringBuilder body = new StringBuilder(head);
    String alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (int i = 0; i < 9; i++) {
      body.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    for (char check : alphabet.toCharArray()) {
      if (Uscc.isValid(body.toString() + check)) {
        return body.toString() + check;
      }
    }
    throw new IllegalStateException("no GB 32100 check character fits");
  }

  private String phone() {
    return "139" + String.format("%08d", random.nextInt(100_000_000));
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  /**
   * The county-level divisions (not ending in 00) whose codes start with {@code division} read as a
   * prefix ({@code 330300} and {@code 3303} alike).
   */
  static List<String> countiesUnder(String division) {
    if (!division.matches("[0-9]{2,6}")) {
      throw new IllegalArgumentException("division: 2 to 6 digits of a GB/T 2260 code");
    }
    String prefix = division;
    while (prefix.length() > 2 && prefix.endsWith("00")) {
      prefix = prefix.substring(0, prefix.length() - 2);
    }
    List<String> found = new ArrayList<>();
    for (String code : counties()) {
      if (code.startsWith(prefix)) {
        found.add(code);
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("division: no GB/T 2260 county-level division under it");
    }
    return found;
  }

  private static List<String> counties() {
    List<String> result = allCounties;
    if (result == null) {
      List<String> codes = new ArrayList<>();
      collect(
          ConformancePackage.load().codeSystem(Canonical.CS_GB_DIVISION).orElseThrow().getConcept(),
          codes);
      codes.sort(null);
      result = List.copyOf(codes);
      allCounties = result;
    }
    return result;
  }

  private static void collect(List<ConceptDefinitionComponent> concepts, List<String> into) {
    for (ConceptDefinitionComponent concept : concepts) {
      if (!concept.getCode().endsWith("00")) {
        into.add(concept.getCode());
      }
      collect(concept.getConcept(), into);
    }
  }
}
