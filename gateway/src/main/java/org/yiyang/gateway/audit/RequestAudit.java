package org.yiyang.gateway.audit;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.yiyang.gateway.security.Caller;

/**
 * What the audit record of the request being served will say, gathered while it runs: who (set
 * inside the security filter chains, where the caller is known), what a FHIR request was (set by
 * HAPI), which record a write concerned (set by the intakes), and whether the record was already
 * written with a journal entry. Kept on the request and, while {@link AuditFilter} runs, on its
 * thread.
 */
public final class RequestAudit {

  /** Request attribute holding this object. */
  public static final String ATTRIBUTE = RequestAudit.class.getName();

  private static final ThreadLocal<RequestAudit> CURRENT = new ThreadLocal<>();

  final long startNanos = System.nanoTime();
  final HttpServletRequest request;
  final String correlationId;
  final String method;
  final String sourceAddress;
  volatile Caller caller;
  volatile String fhirInteraction;
  volatile String fhirType;
  volatile String fhirId;
  volatile String fhirRefusal;
  volatile String recordFacility;
  volatile String recordResident;
  volatile String recordNo;
  volatile boolean audited;

  RequestAudit(HttpServletRequest request, String correlationId) {
    this.request = request;
    this.correlationId = correlationId;
    this.method = AuditValues.clip(request.getMethod(), 10);
    this.sourceAddress = AuditValues.clip(request.getRemoteAddr(), 64);
  }

  /** The request being served on this thread, if it passes through {@link AuditFilter}. */
  public static Optional<RequestAudit> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The request's audit context, from the request itself (any thread that holds it). */
  public static Optional<RequestAudit> of(ServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof RequestAudit audit
        ? Optional.of(audit)
        : Optional.empty();
  }

  /**
   * Notes which record a write of this request concerns: its facility, its resident (kept only as a
   * keyed pseudonym in the audit row) and its own number (kept if it has the shape of an id).
   */
  public static void noteRecord(String facilityCode, String residentNo, String recordNo) {
    current()
        .ifPresent(
            audit -> {
              audit.recordFacility = facilityCode;
              audit.recordResident = residentNo;
              audit.recordNo = recordNo;
            });
  }

  /** Who is calling, once the security filter chain knows. */
  public void caller(Caller value) {
    this.caller = value;
  }

  /** What HAPI made of a {@code /fhir} request: interaction, resource type and id. */
  public void fhir(String interaction, String type, String id) {
    this.fhirInteraction = interaction;
    this.fhirType = type;
    this.fhirId = id;
  }

  /** The rule HAPI's authorization refused a {@code /fhir} request by. */
  public void fhirRefusal(String rule) {
    this.fhirRefusal = rule;
  }

  public String correlationId() {
    return correlationId;
  }

  void bind() {
    CURRENT.set(this);
  }

  static void unbind() {
    CURRENT.remove();
  }
}
