package org.yiyang.gateway.audit;

import java.util.UUID;
import java.util.regex.Pattern;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.security.Role;

/**
 * What may be written into an audit row, and how: the rules that keep personal data out (ADR 0055).
 * A value is kept as it is only when it has the shape of an id (letters, digits, {@code ._:~-}, at
 * most 64) and no run of 11 or more digits (the length of a mobile number; citizen ID and card
 * numbers are longer); anything else becomes a keyed pseudonym, {@code ~} and 32 hex.
 */
public final class AuditValues {

  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:~-]{1,64}$");
  private static final Pattern LONG_DIGITS = Pattern.compile("\\d{11,}");
  private static final Pattern CORRELATION = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  /**
   * What machines make: a UUID, or 32 or 64 hex characters (keyed ids such as {@code $resourceId},
   * MACs), after an optional short prefix ({@code res-}, {@code c-}, {@code ref-}). Such a value
   * may hold a long run of digits by chance (one keyed id in eight does), so it is kept as it is,
   * provided it holds a hex letter at all (an ID number is all digits).
   */
  private static final Pattern MACHINE_MADE =
      Pattern.compile(
          "^(?:[a-z]{1,8}-)?([0-9a-f]{32}|[0-9a-f]{64}"
              + "|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$");

  private static final Pattern HEX_LETTER = Pattern.compile("[a-f]");

  private AuditValues() {}

  /** The value itself if it is safe to keep, else its keyed pseudonym. */
  public static String safeId(Keyring keyring, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (ID.matcher(value).matches() && (!LONG_DIGITS.matcher(value).find() || machineMade(value))) {
      return value;
    }
    return "~" + keyring.pseudonym(value);
  }

  /** A resident, as audit rows name it: the keyed pseudonym of facility code and number. */
  public static String resident(Keyring keyring, String facilityCode, String residentNo) {
    if (facilityCode == null || residentNo == null || residentNo.isEmpty()) {
      return null;
    }
    return keyring.pseudonym(facilityCode + "|" + residentNo);
  }

  /**
   * The correlation id a request goes by: the caller's {@code X-Correlation-Id} when it is one (1
   * to 64 of {@code A-Z a-z 0-9 . _ -}, and no run of 11 digits, which could be a phone or ID
   * number), else a new UUID.
   */
  public static String correlationId(String header) {
    String kept = correlationIdOrNull(header);
    return kept != null ? kept : UUID.randomUUID().toString();
  }

  /** A stored correlation id if it is one, else none (never a new one: it would match nothing). */
  public static String correlationIdOrNull(String value) {
    return value != null
            && CORRELATION.matcher(value).matches()
            && (!LONG_DIGITS.matcher(value).find() || machineMade(value))
        ? value
        : null;
  }

  private static boolean machineMade(String value) {
    java.util.regex.Matcher m = MACHINE_MADE.matcher(value);
    return m.matches() && HEX_LETTER.matcher(m.group(1)).find();
  }

  /** HL7 v3 PurposeOfUse (ActReason) of a role's calls. */
  public static String purpose(Role role) {
    if (role == null) {
      return null;
    }
    return switch (role) {
      // Care: a facility's records, a hospital's clinical work, the gateway carrying them.
      case FACILITY, HOSPITAL, GATEWAY -> "TREAT";
      // Running the gateway: journal, replay, webhooks, clients, metrics; the FHIR server's
      // wake-up.
      case OPERATOR, NOTIFIER, MONITOR -> "HOPERAT";
      // Reviewing the audit trail.
      case AUDITOR -> "HCOMPL";
      // A supervising bureau's aggregate indicators.
      case SUPERVISOR -> "HPRGRP";
    };
  }

  /** The outcome class of an HTTP answer; {@code refused} when a security rule said no. */
  public static String outcome(int status, boolean refusal) {
    if (refusal || status == 401 || status == 403 || status == 429) {
      return status < 400 ? AuditRecord.SUCCESS : AuditRecord.REFUSED;
    }
    if (status >= 500) {
      return AuditRecord.ERROR;
    }
    return status >= 400 ? AuditRecord.REJECTED : AuditRecord.SUCCESS;
  }

  /** A text cut to {@code max} characters, control characters (line breaks ...) made spaces. */
  public static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    String flat = text.replaceAll("\\p{Cntrl}", " ").trim();
    return flat.length() > max ? flat.substring(0, max) : flat;
  }
}
