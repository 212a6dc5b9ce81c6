package org.yiyang.gateway.journal;

import java.time.Instant;

/**
 * One journaled message's delivery state. Its payload (personal data) is read apart, decrypted, by
 * {@link Journal#payload(String)}, and never leaves the gateway except towards the FHIR server.
 */
public record JournalMessage(
    long seq,
    String id,
    String flow,
    String facilityCode,
    String orderingKey,
    String idempotencyKey,
    String contentHash,
    MessageState state,
    int attempts,
    int replays,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant updatedAt,
    Instant deliveredAt,
    String correlationId,
    String lastErrorCode,
    Integer lastHttpStatus,
    String lastOutcome,
    Integer resultStatus,
    String resultLocation,
    String resultBody,
    Instant payloadPurgedAt) {}
