package org.yiyang.gateway.sandbox;

import org.yiyang.profiles.ErrorCode;

/**
 * The kinds of broken resident record the generator makes on purpose, each with the answer the
 * gateway owes it: the error code and the field its OperationOutcome names. Integration testers use
 * them to check that their software shows the gateway's refusals; the gateway's own tests use them
 * to check that it refuses each kind for the stated reason.
 */
public enum InvalidKind {
  /** The GB 11643 check character of the ID number is wrong. */
  BAD_CHECK_CHARACTER(ErrorCode.CITIZEN_ID_CHECK, "idCardNo"),
  /** The address names a GB/T 2260 division that does not exist. */
  BAD_DIVISION(ErrorCode.UNKNOWN_CODE, "address.divisionCode"),
  /** The birth date lies in the future (year 2999, so that the label holds on any day). */
  BIRTH_DATE_IN_FUTURE(ErrorCode.INVALID_VALUE, "birthDate"),
  /** The sex of the record contradicts the parity of the ID number's sequence digit. */
  WRONG_SEX_PARITY(ErrorCode.CITIZEN_ID_CONTRADICTS, "idCardNo"),
  /** The facility's unified social credit code fails the GB 32100 check character. */
  BAD_USCC(ErrorCode.USCC_CHECK, "facilityCode"),
  /** The required name is missing. */
  MISSING_REQUIRED_FIELD(ErrorCode.REQUIRED_FIELD, "name"),
  /** The ethnicity is not a GB 3304 code. */
  UNKNOWN_ETHNICITY(ErrorCode.UNKNOWN_CODE, "ethnicCode"),
  /** A field the exchange format does not define. */
  UNKNOWN_FIELD(ErrorCode.UNKNOWN_FIELD, "nickname");

  private final ErrorCode expectedCode;
  private final String expectedField;

  InvalidKind(ErrorCode expectedCode, String expectedField) {
    this.expectedCode = expectedCode;
    this.expectedField = expectedField;
  }

  /** The error code the gateway must answer (one of the OperationOutcome's issues). */
  public ErrorCode expectedCode() {
    return expectedCode;
  }

  /** The field, as a JSON path of the record, the gateway's answer must name. */
  public String expectedField() {
    return expectedField;
  }
}
