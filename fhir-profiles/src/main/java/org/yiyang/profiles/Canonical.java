package org.yiyang.profiles;

/**
 * The canonical URLs and identifier systems of the regional eldercare conformance package; every
 * module names them through these constants so that profiles, mappings and the gateway agree.
 */
public final class Canonical {

  /** Base of every canonical URL in the package. */
  public static final String BASE = "https://fhir.yiyang.org";

  public static final String PACKAGE_ID = "yiyang.fhir.eldercare";
  public static final String PACKAGE_CLASSPATH = "classpath:fhir-package/yiyang.fhir.eldercare.tgz";

  // Profiles
  public static final String SD = BASE + "/StructureDefinition/";
  public static final String PATIENT_PROFILE = SD + "yy-patient";
  public static final String ORGANIZATION_PROFILE = SD + "yy-organization";
  public static final String OBSERVATION_ABILITY_LEVEL_PROFILE =
      SD + "yy-observation-ability-level";

  /** Elderly ability level of the superseded MZ/T 039-2013, for older records. */
  public static final String OBSERVATION_ABILITY_LEVEL_LEGACY_PROFILE =
      SD + "yy-observation-ability-level-legacy";

  public static final String ORGANIZATION_AFFILIATION_PROFILE = SD + "yy-organization-affiliation";
  public static final String PRACTITIONER_ROLE_FAMILY_DOCTOR_PROFILE =
      SD + "yy-practitioner-role-family-doctor";
  public static final String CARE_TEAM_FAMILY_DOCTOR_PROFILE = SD + "yy-care-team-family-doctor";
  public static final String ENCOUNTER_PROFILE = SD + "yy-encounter";
  public static final String OBSERVATION_VITAL_SIGN_PROFILE = SD + "yy-observation-vital-sign";
  public static final String OBSERVATION_LAB_PROFILE = SD + "yy-observation-lab";
  public static final String OBSERVATION_SELF_CARE_PROFILE = SD + "yy-observation-self-care";
  public static final String OBSERVATION_TCM_CONSTITUTION_PROFILE =
      SD + "yy-observation-tcm-constitution";
  public static final String CONDITION_CHRONIC_DISEASE_PROFILE =
      SD + "yy-condition-chronic-disease";
  public static final String CARE_PLAN_PROFILE = SD + "yy-care-plan";
  public static final String SERVICE_REQUEST_REFERRAL_PROFILE = SD + "yy-service-request-referral";
  public static final String TASK_REFERRAL_PROFILE = SD + "yy-task-referral";
  public static final String APPOINTMENT_GREEN_CHANNEL_PROFILE =
      SD + "yy-appointment-green-channel";
  public static final String DIAGNOSTIC_REPORT_PROFILE = SD + "yy-diagnostic-report";
  public static final String DOCUMENT_REFERENCE_PROFILE = SD + "yy-document-reference";

  /** Remote consultation (远程会诊): the request and its workflow state. */
  public static final String SERVICE_REQUEST_CONSULTATION_PROFILE =
      SD + "yy-service-request-consultation";

  public static final String TASK_CONSULTATION_PROFILE = SD + "yy-task-consultation";

  /** A resident's stay in an eldercare facility, from admission to discharge, transfer or death. */
  public static final String EPISODE_OF_CARE_PROFILE = SD + "yy-episode-of-care";

  // Extensions
  public static final String EXT_GB_SEX = SD + "yy-ext-gb-sex";
  public static final String EXT_ETHNICITY = SD + "yy-ext-ethnicity";
  public static final String EXT_DIVISION = SD + "yy-ext-division";
  public static final String EXT_SPECIAL_GROUP = SD + "yy-ext-special-group";
  public static final String EXT_ELDERCARE_SERVICE = SD + "yy-ext-eldercare-service";
  public static final String EXT_BED_COUNT = SD + "yy-ext-bed-count";

  /** The SHA-256 (hex) of an attachment's bytes, checked by the gateway. */
  public static final String EXT_ATTACHMENT_SHA256 = SD + "yy-ext-attachment-sha256";

  /** Sub-extension URLs of {@link #EXT_ELDERCARE_SERVICE}. */
  public static final String EXT_ELDERCARE_SERVICE_MODE = "serviceMode";

  public static final String EXT_ELDERCARE_SERVICE_ADMISSION_DATE = "admissionDate";

  /** Filing of a cooperation agreement with one county authority (OrganizationAffiliation). */
  public static final String EXT_AGREEMENT_FILING = SD + "yy-ext-agreement-filing";

  /** Sub-extension URLs of {@link #EXT_AGREEMENT_FILING}. */
  public static final String EXT_AGREEMENT_FILING_AUTHORITY = "authority";

  public static final String EXT_AGREEMENT_FILING_BUREAU = "bureau";
  public static final String EXT_AGREEMENT_FILING_DATE = "date";

  /** One service of a family-doctor contract (CareTeam). */
  public static final String EXT_CONTRACT_SERVICE = SD + "yy-ext-contract-service";

  /** A family-doctor contract ended before its term (CareTeam): reason and original end. */
  public static final String EXT_CONTRACT_TERMINATION = SD + "yy-ext-contract-termination";

  /** How a stay ended (EpisodeOfCare): reason and, for a transfer, the receiving organisation. */
  public static final String EXT_STAY_ENDING = SD + "yy-ext-stay-ending";

  /** Sub-extension URLs of {@link #EXT_STAY_ENDING}. */
  public static final String EXT_STAY_ENDING_REASON = "reason";

  public static final String EXT_STAY_ENDING_DESTINATION = "destination";

  // Identifier systems (NamingSystems in the package)
  public static final String SID = BASE + "/sid/";

  /**
   * 居民身份证号码 under its national OID (ADR 0052): the system regional platforms identify a person by.
   * The package's former URI is {@link #SID_CITIZEN_ID_ALIAS}.
   */
  public static final String SID_CITIZEN_ID = "urn:oid:2.16.156.10011.1.3";

  /** 城乡居民健康档案编号 (health record number, WS 365), national OID. */
  public static final String SID_HEALTH_RECORD_NO = "urn:oid:2.16.156.10011.1.2";

  /** 居民健康卡号 (resident health card number), national OID. */
  public static final String SID_HEALTH_CARD_NO = "urn:oid:2.16.156.10011.1.19";

  /** The citizen-ID system this package used before 0.2.0: read as an alias, never written. */
  public static final String SID_CITIZEN_ID_ALIAS = SID + "cn-citizen-id";

  public static final String SID_USCC = SID + "cn-uscc";
  public static final String SID_MEDICAL_LICENCE = SID + "cn-medical-institution-licence";

  /** 医师执业证书编码: a physician's practising certificate number (the doctor of a contract). */
  public static final String SID_PHYSICIAN_LICENCE = SID + "cn-physician-licence";

  /** Resident numbers are unique within a facility, so the system carries the facility's USCC. */
  public static String residentNoSystem(String facilityUscc) {
    return SID + "resident-no/" + facilityUscc;
  }

  public static final String RESIDENT_NO_SYSTEM_PREFIX = SID + "resident-no/";

  /**
   * Record numbers (assessment, check-up, follow-up) are the facility's own and unique within it,
   * so each system carries the facility's USCC like {@link #residentNoSystem}; every resource of
   * one record carries the identifier, so one search returns the whole record.
   */
  public static final String ASSESSMENT_NO_SYSTEM_PREFIX = SID + "assessment-no/";

  public static final String CHECKUP_NO_SYSTEM_PREFIX = SID + "checkup-no/";
  public static final String FOLLOWUP_NO_SYSTEM_PREFIX = SID + "followup-no/";

  /** Family-doctor contract records (家庭医生签约) and cooperation agreements (医养签约). */
  public static final String CONTRACT_NO_SYSTEM_PREFIX = SID + "contract-no/";

  public static final String AGREEMENT_NO_SYSTEM_PREFIX = SID + "agreement-no/";

  /** A facility's stay numbers (入住编号): one per stay of a resident, an EpisodeOfCare. */
  public static final String STAY_NO_SYSTEM_PREFIX = SID + "stay-no/";

  /** Up-referrals (上转) a facility sends; the facility's own referral numbers. */
  public static final String REFERRAL_NO_SYSTEM_PREFIX = SID + "referral-no/";

  /** Remote consultations (远程会诊) a facility requests; the facility's own request numbers. */
  public static final String CONSULTATION_NO_SYSTEM_PREFIX = SID + "consultation-no/";

  /** Batches of material a facility supplies to its consultations (补充资料). */
  public static final String CONSULTATION_MATERIAL_NO_SYSTEM_PREFIX =
      SID + "consultation-material-no/";

  /** Consent forms (知情同意书) signed at a facility, named by the facility's own numbers. */
  public static final String CONSENT_FORM_NO_SYSTEM_PREFIX = SID + "consent-form-no/";

  /** The system of one facility's assessment record numbers (老年人能力评估 / 中医体质辨识). */
  public static String assessmentNoSystem(String facilityUscc) {
    return ASSESSMENT_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one facility's yearly check-up record numbers. */
  public static String checkupNoSystem(String facilityUscc) {
    return CHECKUP_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one facility's chronic-disease follow-up record numbers. */
  public static String followupNoSystem(String facilityUscc) {
    return FOLLOWUP_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one facility's family-doctor contract record numbers. */
  public static String contractNoSystem(String facilityUscc) {
    return CONTRACT_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one eldercare facility's cooperation agreement numbers. */
  public static String agreementNoSystem(String facilityUscc) {
    return AGREEMENT_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one eldercare facility's stay numbers. */
  public static String stayNoSystem(String facilityUscc) {
    return STAY_NO_SYSTEM_PREFIX + facilityUscc;
  }

  /** The system of one eldercare facility's referral numbers. */
  public static String referralNoSystem(String facilityUscc) {
    return REFERRAL_NO_SYSTEM_PREFIX + facilityUscc;
  }

  // Code systems
  public static final String CS = BASE + "/CodeSystem/";

  /**
   * The national code lists under their OIDs (ADR 0052): GB/T 2261.1 sex, GB/T 2261.2 marital
   * status, GB 3304 ethnicity. The package's CodeSystems carry these as their URLs.
   */
  public static final String CS_GB_SEX = "urn:oid:2.16.156.10011.2.3.3.4";

  public static final String CS_GB_MARITAL = "urn:oid:2.16.156.10011.2.3.3.5";
  public static final String CS_GB_ETHNICITY = "urn:oid:2.16.156.10011.2.3.3.3";

  /** The URLs these code systems had before 0.2.0: read as aliases, never written. */
  public static final String CS_GB_SEX_ALIAS = CS + "gb-t-2261-1-sex";

  public static final String CS_GB_MARITAL_ALIAS = CS + "gb-t-2261-2-marital-status";
  public static final String CS_GB_ETHNICITY_ALIAS = CS + "gb-3304-ethnicity";

  public static final String CS_GB_DIVISION = CS + "gb-t-2260-division";
  public static final String CS_SERVICE_MODE = CS + "eldercare-service-mode";
  public static final String CS_SPECIAL_GROUP = CS + "special-group";
  public static final String CS_ORGANIZATION_TYPE = CS + "organization-type";
  public static final String CS_ERROR = CS + "gateway-error";
  public static final String CS_IDENTIFIER_TYPE = CS + "identifier-type";
  public static final String CS_ABILITY_LEVEL = CS + "ability-level-gb-t-42195";
  public static final String CS_ABILITY_LEVEL_LEGACY = CS + "ability-level-mz-t-039";
  public static final String CS_SELF_CARE_LEVEL = CS + "self-care-level";
  public static final String CS_TCM_CONSTITUTION = CS + "tcm-constitution";
  public static final String CS_ASSESSMENT_CODE = CS + "assessment-code";
  public static final String CS_ENCOUNTER_TYPE = CS + "encounter-type";
  public static final String CS_REFERRAL_TYPE = CS + "referral-type";
  public static final String CS_AGREEMENT_SERVICE = CS + "agreement-service";
  public static final String CS_CARE_TEAM_CATEGORY = CS + "care-team-category";
  public static final String CS_CARE_PLAN_CATEGORY = CS + "care-plan-category";
  public static final String CS_DOCUMENT_TYPE = CS + "document-type";
  public static final String CS_REPORT_TYPE = CS + "report-type";
  public static final String CS_FILING_AUTHORITY = CS + "filing-authority";
  public static final String CS_CARE_TEAM_ROLE = CS + "care-team-role";
  public static final String CS_STAY_END_REASON = CS + "stay-end-reason";

  /** The Task codes and input/output types of the regional workflows (remote consultation). */
  public static final String CS_WORKFLOW_TASK = CS + "workflow-task";

  /**
   * ICD-10 as used in China, under HL7's convention for national variants; the package holds a
   * fragment (hypertension and type 2 diabetes) with this URL.
   */
  public static final String CS_ICD10_CN = "http://hl7.org/fhir/sid/icd-10-cn";

  public static final String CS_LOINC = "http://loinc.org";
  public static final String CS_UCUM = "http://unitsofmeasure.org";

  // Value sets
  public static final String VS = BASE + "/ValueSet/";
  // Every code system has a ValueSet of all its codes under the same id.
  public static final String VS_GB_SEX = VS + "gb-t-2261-1-sex";
  public static final String VS_GB_MARITAL = VS + "gb-t-2261-2-marital-status";
  public static final String VS_GB_ETHNICITY = VS + "gb-3304-ethnicity";
  public static final String VS_GB_DIVISION = VS + "gb-t-2260-division";
  public static final String VS_SERVICE_MODE = VS + "eldercare-service-mode";
  public static final String VS_SPECIAL_GROUP = VS + "special-group";
  public static final String VS_ORGANIZATION_TYPE = VS + "organization-type";
  public static final String VS_ORGANIZATION_TYPE_ELDERCARE = VS + "organization-type-eldercare";
  public static final String VS_ORGANIZATION_TYPE_MEDICAL = VS + "organization-type-medical";
  public static final String VS_ERROR = VS + "gateway-error";
  public static final String VS_IDENTIFIER_TYPE = VS + "identifier-type";
  public static final String VS_ABILITY_LEVEL = VS + "ability-level-gb-t-42195";
  public static final String VS_ABILITY_LEVEL_LEGACY = VS + "ability-level-mz-t-039";
  public static final String VS_SELF_CARE_LEVEL = VS + "self-care-level";
  public static final String VS_TCM_CONSTITUTION = VS + "tcm-constitution";
  public static final String VS_ASSESSMENT_CODE = VS + "assessment-code";
  public static final String VS_ENCOUNTER_TYPE = VS + "encounter-type";
  public static final String VS_REFERRAL_TYPE = VS + "referral-type";
  public static final String VS_AGREEMENT_SERVICE = VS + "agreement-service";
  public static final String VS_CARE_TEAM_CATEGORY = VS + "care-team-category";
  public static final String VS_CARE_PLAN_CATEGORY = VS + "care-plan-category";
  public static final String VS_DOCUMENT_TYPE = VS + "document-type";
  public static final String VS_REPORT_TYPE = VS + "report-type";
  public static final String VS_FILING_AUTHORITY = VS + "filing-authority";
  public static final String VS_CARE_TEAM_ROLE = VS + "care-team-role";
  public static final String VS_STAY_END_REASON = VS + "stay-end-reason";
  public static final String VS_WORKFLOW_TASK = VS + "workflow-task";

  /** Services a family-doctor contract may cover (a subset of agreement-service). */
  public static final String VS_FAMILY_DOCTOR_SERVICE = VS + "family-doctor-service";

  /** Hypertension (ICD-10 I10–I15) and type 2 diabetes (E11), with subcategories. */
  public static final String VS_CHRONIC_DISEASE = VS + "chronic-disease";

  /** LOINC codes of the check-up's vital signs and body measurements. */
  public static final String VS_CHECK_UP_VITAL_SIGN = VS + "check-up-vital-sign";

  /** LOINC codes (molar units) of the check-up's laboratory tests. */
  public static final String VS_CHECK_UP_LAB = VS + "check-up-lab";

  // Concept maps
  public static final String CM = BASE + "/ConceptMap/";

  private Canonical() {}
}
