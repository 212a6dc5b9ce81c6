package org.yiyang.gateway.journal;

import java.util.Set;

/**
 * Where a message is: {@code received} (journaled, not yet mapped; unused by flows that map before
 * journaling), {@code mapped} (ready for its first attempt), {@code failed} (an attempt failed
 * transiently; retried after a backoff), {@code delivered}, {@code dead} (needs a person: the FHIR
 * server refused it, or the attempts ran out). Only {@code dead} messages are replayed.
 */
public enum MessageState {
  RECEIVED,
  MAPPED,
  DELIVERED,
  FAILED,
  DEAD;

  /** States still waiting for delivery: they count towards the backlog and block later ones. */
  public static final Set<MessageState> PENDING = Set.of(RECEIVED, MAPPED, FAILED);

  public String db() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static MessageState fromDb(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
