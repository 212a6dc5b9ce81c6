package org.yiyang.gateway.flow.record;

import org.hl7.fhir.r4.model.Bundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.profiles.Fhir;

/** Where each record flow's journaled messages go: one FHIR transaction per record. */
@Configuration
public class RecordDeliveryTargets {

  @Bean
  public DeliveryTarget assessmentDelivery(RecordStore store) {
    return target(RecordFlows.ASSESSMENT, store);
  }

  @Bean
  public DeliveryTarget checkupDelivery(RecordStore store) {
    return target(RecordFlows.CHECKUP, store);
  }

  @Bean
  public DeliveryTarget followupDelivery(RecordStore store) {
    return target(RecordFlows.FOLLOWUP, store);
  }

  @Bean
  public DeliveryTarget contractDelivery(RecordStore store) {
    return target(RecordFlows.CONTRACT, store);
  }

  @Bean
  public DeliveryTarget agreementDelivery(RecordStore store) {
    return target(RecordFlows.AGREEMENT, store);
  }

  static DeliveryTarget target(RecordFlow flow, RecordStore store) {
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
