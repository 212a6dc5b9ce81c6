package org.yiyang.gateway.journal;

/**
 * A message about to be journaled.
 *
 * @param flow the flow that delivers it, e.g. {@code resident.to-fhir}
 * @param facilityCode the sending facility's unified social credit code
 * @param orderingKey hash of the record's key; messages with the same key are delivered in order
 * @param recordKey hash of flow, facility and record number: the messages with the same record key
 *     are versions of one record (null for webhook events)
 * @param idempotencyKey unique per message; a second message with the same key is a duplicate
 * @param contentHash hash of the payload
 * @param payload what the delivery sends (the mapped FHIR transaction Bundle, JSON)
 * @param correlationId the request's correlation id, for the logs
 */
public record NewMessage(
    String flow,
    String facilityCode,
    String orderingKey,
    String recordKey,
    String idempotencyKey,
    String contentHash,
    String payload,
    String correlationId) {

  /** A message that is no version of a record (a webhook event). */
  public NewMessage(
      String flow,
      String facilityCode,
      String orderingKey,
      String idempotencyKey,
      String contentHash,
      String payload,
      String correlationId) {
    this(
        flow, facilityCode, orderingKey, null, idempotencyKey, contentHash, payload, correlationId);
  }
}
