package org.yiyang.gateway.flow.record;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.delivery.DeliveryTargets;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.profiles.Fhir;

/** Where each record flow's journaled messages go: one FHIR transaction per record. */
@Component
public class RecordDeliveryTargets implements DeliveryTargets {

  private final List<DeliveryTarget> targets;

  public RecordDeliveryTargets(RecordFlows flows, RecordStore store) {
    this.targets = flows.all().stream().map(flow -> target(flow, store)).toList();
  }

  @Override
  public List<DeliveryTarget> targets() {
    return targets;
  }

  private static DeliveryTarget target(RecordFlow flow, RecordStore store) {
    return new DeliveryTarget() {
      @Override
      public String flow() {
        return flow.toFhirFlow();
      }

      @Override
      public ApiResponse deliver(String payload) {
        return store.write(flow, Fhir.r4().newJsonParser().parseResource(Bundle.class, payload));
      }
    };
  }
}
