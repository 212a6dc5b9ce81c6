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

  // Extensions
  public static final String EXT_GB_SEX = SD + "yy-ext-gb-sex";
  public static final String EXT_ETHNICITY = SD + "yy-ext-ethnicity";
  public static final String EXT_DIVISION = SD + "yy-ext-division";
  public static final String EXT_SPECIAL_GROUP = SD + "yy-ext-special-group";
  public static final String EXT_ELDERCARE_SERVICE = SD + "yy-ext-eldercare-service";
  public static final String EXT_BED_COUNT = SD + "yy-ext-bed-count";

  /** Sub-extension URLs of {@link #EXT_ELDERCARE_SERVICE}. */
  public static final String EXT_ELDERCARE_SERVICE_MODE = "serviceMode";

  public static final String EXT_ELDERCARE_SERVICE_ADMISSION_DATE = "admissionDate";

  // Identifier systems (NamingSystems in the package)
  public static final String SID = BASE + "/sid/";
  public static final String SID_CITIZEN_ID = SID + "cn-citizen-id";
  public static final String SID_USCC = SID + "cn-uscc";
  public static final String SID_MEDICAL_LICENCE = SID + "cn-medical-institution-licence";

  /** Resident numbers are unique within a facility, so the system carries the facility's USCC. */
  public static String residentNoSystem(String facilityUscc) {
    return SID + "resident-no/" + facilityUscc;
  }

  public static final String RESIDENT_NO_SYSTEM_PREFIX = SID + "resident-no/";

  // Code systems
  public static final String CS = BASE + "/CodeSystem/";
  public static final String CS_GB_SEX = CS + "gb-t-2261-1-sex";
  public static final String CS_GB_MARITAL = CS + "gb-t-2261-2-marital-status";
  public static final String CS_GB_ETHNICITY = CS + "gb-3304-ethnicity";
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

  // Concept maps
  public static final String CM = BASE + "/ConceptMap/";

  private Canonical() {}
}
