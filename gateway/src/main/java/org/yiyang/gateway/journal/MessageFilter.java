package org.yiyang.gateway.journal;

import java.time.Instant;

/** Selects messages for listing and bulk replay; null fields do not filter. */
public record MessageFilter(
    MessageState state, String facilityCode, String flow, Instant since, Instant until) {}
