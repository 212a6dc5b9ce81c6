package org.yiyang.gateway.audit;

/**
 * What one audit row says, before the chain gives it a place and a MAC (ADR 0055). Every text is
 * already safe to keep: codes, route patterns, the gateway's own ids, and keyed pseudonyms for
 * anything a caller chose or that could point at a person ({@link AuditValues}).
 *
 * @param kind {@code request}, {@code delivery} or {@code webhook}
 * @param clientId the OAuth2 client; for a refused token request, the id it claimed
 * @param role the client's role ({@code facility}, {@code gateway} ...)
 * @param organization the USCC of the organization the client acts for
 * @param sourceAddress the network address the request came from
 * @param interaction what was done: {@code create}, {@code read}, {@code search-type}, {@code
 *     token}, {@code transaction}, {@code notify} ...
 * @param method the HTTP method
 * @param route the route pattern ({@code /api/v1/residents/{facilityCode}/{residentNo}}), never the
 *     raw path nor its query
 * @param entityType the type of object acted on ({@code residents}, {@code Patient} ...)
 * @param entityId the object's ids, {@code name=value;...}
 * @param facility the facility (USCC) the object belongs to
 * @param subject the resident's keyed pseudonym ({@code Keyring.pseudonym(facility|residentNo)})
 * @param status the HTTP status answered (or received, for an attempt)
 * @param errorCode the gateway's error code ({@code GW-1031}), or the OAuth2 error
 * @param detail the rule of a refusal, or what happened ({@code journaled}, {@code retry} ...)
 * @param outcome {@code success}, {@code refused}, {@code rejected}, {@code failed} or {@code
 *     error}
 * @param purpose the HL7 v3 PurposeOfUse code
 * @param correlationId the request's {@code X-Correlation-Id}
 * @param messageId the journal message, when there is one
 * @param durationMs how long the request or attempt took
 */
public record AuditRecord(
    String kind,
    String clientId,
    String role,
    String organization,
    String sourceAddress,
    String interaction,
    String method,
    String route,
    String entityType,
    String entityId,
    String facility,
    String subject,
    Integer status,
    String errorCode,
    String detail,
    String outcome,
    String purpose,
    String correlationId,
    String messageId,
    Long durationMs) {

  public static final String REQUEST = "request";
  public static final String DELIVERY = "delivery";
  public static final String WEBHOOK = "webhook";

  public static final String SUCCESS = "success";
  public static final String REFUSED = "refused";
  public static final String REJECTED = "rejected";
  public static final String FAILED = "failed";
  public static final String ERROR = "error";

  /** The outcome classes, as the query endpoint accepts them. */
  public static final java.util.List<String> OUTCOMES =
      java.util.List.of(SUCCESS, REFUSED, REJECTED, FAILED, ERROR);

  public static Builder builder(String kind) {
    return new Builder(kind);
  }

  /** Fills a record field by field; unset fields stay empty. */
  public static final class Builder {
    private final String kind;
    private String clientId;
    private String role;
    private String organization;
    private String sourceAddress;
    private String interaction;
    private String method;
    private String route;
    private String entityType;
    private String entityId;
    private String facility;
    private String subject;
    private Integer status;
    private String errorCode;
    private String detail;
    private String outcome;
    private String purpose;
    private String correlationId;
    private String messageId;
    private Long durationMs;

    private Builder(String kind) {
      this.kind = kind;
    }

    public Builder client(String clientId, String role, String organization) {
      this.clientId = clientId;
      this.role = role;
      this.organization = organization;
      return this;
    }

    public Builder sourceAddress(String value) {
      this.sourceAddress = value;
      return this;
    }

    public Builder action(String interaction, String method, String route) {
      this.interaction = interaction;
      this.method = method;
      this.route = route;
      return this;
    }

    public Builder entity(String type, String id) {
      this.entityType = type;
      this.entityId = id;
      return this;
    }

    public Builder facility(String value) {
      this.facility = value;
      return this;
    }

    public Builder subject(String value) {
      this.subject = value;
      return this;
    }

    public Builder result(Integer status, String errorCode, String detail, String outcome) {
      this.status = status;
      this.errorCode = errorCode;
      this.detail = detail;
      this.outcome = outcome;
      return this;
    }

    public Builder purpose(String value) {
      this.purpose = value;
      return this;
    }

    public Builder correlation(String correlationId, String messageId) {
      this.correlationId = correlationId;
      this.messageId = messageId;
      return this;
    }

    public Builder durationMs(Long value) {
      this.durationMs = value;
      return this;
    }

    public AuditRecord build() {
      return new AuditRecord(
          kind,
          clientId,
          role,
          organization,
          sourceAddress,
          interaction,
          method,
          route,
          entityType,
          entityId,
          facility,
          subject,
          status,
          errorCode,
          AuditValues.clip(detail, 300),
          outcome == null ? SUCCESS : outcome,
          purpose,
          correlationId,
          messageId,
          durationMs);
    }
  }
}
