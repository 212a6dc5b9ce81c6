package org.yiyang.gateway.audit;

import java.time.Instant;

/**
 * One row of the audit chain as stored: its place, when it was written and by which instance, what
 * it says, and its link (ADR 0055).
 */
public record AuditEntry(
    long seq,
    Instant recordedAt,
    String observer,
    AuditRecord record,
    String macAlgorithm,
    String prevMac,
    String mac) {}
