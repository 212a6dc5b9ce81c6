package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A resident record broken on purpose, labelled with the refusal the gateway owes it.
 *
 * @param kind what is broken, with the expected error code and field
 * @param resident the record, otherwise valid
 */
public record InvalidRecord(InvalidKind kind, ObjectNode resident) {}
