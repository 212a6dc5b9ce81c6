package org.yiyang.gateway.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a client may do, carried in its access token's {@code role} claim (ADR 0050). The first six
 * are registered by an operator; {@link #GATEWAY} is the gateway's own identity towards its
 * embedded FHIR server and {@link #NOTIFIER} the FHIR server's wake-up call, neither registrable.
 */
public enum Role {
  /** An eldercare facility: its own residents, records, referrals, messages and webhook. */
  FACILITY,
  /** A hospital: works on {@code /fhir} and on the referrals addressed to it. */
  HOSPITAL,
  /** Runs the gateway: journal, replay, webhooks, clients. Reads no health record. */
  OPERATOR,
  /** Reads the audit trail, nothing else. */
  AUDITOR,
  /** A supervising bureau: aggregate indicators only (none served yet). */
  SUPERVISOR,
  /**
   * A metrics scraper (Prometheus): reads {@code /actuator/prometheus} and nothing else, so that
   * the credential kept in a monitoring system's configuration cannot replay or register anything.
   */
  MONITOR,
  /** The gateway itself, towards its embedded FHIR server. */
  GATEWAY,
  /** The FHIR server's rest-hook call that wakes the referral change poller. */
  NOTIFIER;

  /** The value of the token's {@code role} claim. */
  public String claim() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Spring Security's authority for this role ({@code ROLE_FACILITY} ...). */
  public String authority() {
    return "ROLE_" + name();
  }

  /** Whether an operator can register clients with this role. */
  public boolean registrable() {
    return this != GATEWAY && this != NOTIFIER;
  }

  /** Whether a client of this role may act for one organization (its USCC in the token). */
  public boolean actsForOrganization() {
    return this == FACILITY || this == HOSPITAL;
  }

  /**
   * Whether a client of this role must name its organization: a facility always; a hospital only to
   * act on the referrals addressed to it (it works on {@code /fhir} without).
   */
  public boolean requiresOrganization() {
    return this == FACILITY;
  }

  /** The role named by a claim value, if any. */
  public static Optional<Role> fromClaim(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (Role role : values()) {
      if (role.claim().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
