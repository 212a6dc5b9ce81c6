package org.yiyang.gateway.delivery;

import org.yiyang.gateway.error.ApiResponse;

/**
 * Where a flow's journaled messages go. Implementations must be idempotent: a message may be
 * delivered again after a crash between the FHIR server's answer and the journal's update.
 */
public interface DeliveryTarget {

  /** The flow whose messages this target delivers, as stored in the journal. */
  String flow();

  /**
   * Sends one journaled payload. Returns the answer the facility gets (status, Location, body);
   * throws on failure, classified by {@link org.yiyang.gateway.error.ErrorResponses}.
   */
  ApiResponse deliver(String payload);
}
