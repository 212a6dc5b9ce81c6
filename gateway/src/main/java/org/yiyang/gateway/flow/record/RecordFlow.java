package org.yiyang.gateway.flow.record;

import java.util.List;

/**
 * One health-record flow (issue 4): a facility record that becomes a set of FHIR resources in one
 * transaction, and comes back from one search. Everything field-specific lives in the two mappings.
 *
 * @param name flow name, also the journal's flow prefix (e.g. {@code assessment})
 * @param path the API collection under {@code /api/v1/} (e.g. {@code assessments})
 * @param toFhirMapping mapping id, facility JSON → transaction Bundle
 * @param fromFhirMapping mapping id, searchset Bundle → facility JSON
 * @param recordNoField the record number's field in facility JSON (e.g. {@code assessmentNo})
 * @param recordNoSystemPrefix the record-number identifier system without the facility code (e.g.
 *     {@code Canonical.ASSESSMENT_NO_SYSTEM_PREFIX})
 * @param searchResource the resource type searched by the record number when reading back
 * @param includes {@code _include} values of that search
 * @param iterateIncludes {@code _include:iterate} values of that search
 * @param perResident whether a record belongs to a resident ({@code residentNo}): then the resident
 *     must be registered and the record is delivered in order after the resident's own messages;
 *     otherwise (e.g. an agreement between two organisations) records are ordered per record
 */
public record RecordFlow(
    String name,
    String path,
    String toFhirMapping,
    String fromFhirMapping,
    String recordNoField,
    String recordNoSystemPrefix,
    String searchResource,
    List<String> includes,
    List<String> iterateIncludes,
    boolean perResident) {

  /** The journal's flow id and the inbound route's id. */
  public String toFhirFlow() {
    return name + ".to-fhir";
  }

  public String toFhirEndpoint() {
    return "direct:" + name + ".to-fhir";
  }

  public String fromFhirEndpoint() {
    return "direct:" + name + ".from-fhir";
  }
}
