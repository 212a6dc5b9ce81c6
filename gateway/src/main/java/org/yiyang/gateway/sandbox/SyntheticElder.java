package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One generated elder in the exchange format, in the order a facility sends them: the resident
 * first, then the records that name it.
 *
 * @param resident a {@code resident-to-patient} record
 * @param assessment an {@code assessment-to-observations} record
 * @param checkup a {@code checkup-to-report} record (the yearly 65+ check-up)
 * @param followUps {@code followup-to-careplan} records of a chronic disease; empty for an elder
 *     without one
 */
public record SyntheticElder(
    ObjectNode resident, ObjectNode assessment, ObjectNode checkup, List<ObjectNode> followUps) {

  public SyntheticElder {
    followUps = List.copyOf(followUps);
  }
}
