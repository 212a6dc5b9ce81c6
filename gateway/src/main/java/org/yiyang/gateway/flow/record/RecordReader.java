package org.yiyang.gateway.flow.record;

import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/** Reads a record back for its from-FHIR route. */
@Component
public class RecordReader {

  private final RecordFlows flows;
  private final RecordStore store;

  public RecordReader(RecordFlows flows, RecordStore store) {
    this.flows = flows;
    this.store = store;
  }

  public Bundle read(
      @Header(RecordRoutes.FLOW) String flow,
      @Header(RecordRoutes.FACILITY_CODE) String facilityCode,
      @Header(RecordRoutes.RECORD_NO) String recordNo) {
    return store.read(flows.byName(flow), facilityCode, recordNo);
  }
}
