package org.yiyang.gateway.flow.record;

import java.util.List;
import org.yiyang.mappings.RecordFlowDefinition;

/**
 * One health-record flow (issue 4): a facility record that becomes a set of FHIR resources in one
 * transaction, and comes back from one search. Everything field-specific lives in the two mappings;
 * everything else in the flow's descriptor ({@code mappings/flows/<name>/flow.json}, issue 23), so
 * that a new flow needs no Java.
 *
 * @param name flow name, also the journal's flow prefix (e.g. {@code assessment})
 * @param path the API collection under {@code /api/v1/} (e.g. {@code assessments})
 * @param toFhirMapping mapping id, facility JSON → transaction Bundle
 * @param fromFhirMapping mapping id, searchset Bundle → facility JSON
 * @param recordNoField the record number's field in facility JSON (e.g. {@code assessmentNo})
 * @param recordNoSystemPrefix the record-number identifier system without the facility code
 * @param searchResource the resource type searched by the record number when reading back
 * @param includes {@code _include} values of that search
 * @param iterateIncludes {@code _include:iterate} values of that search
 * @param requiresResident whether a record belongs to a resident ({@code residentNo}): then the
 *     resident must be registered and the record points at the resident's Patient
 * @param orderedByResident whether a record is delivered in order after the resident's own
 *     messages; otherwise (e.g. an agreement between two organisations) records are ordered per
 *     record
 * @param legalBasis the PIPL article 13 basis of processing: {@code consent}, {@code
 *     statutory-duty} or {@code emergency}
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
    boolean requiresResident,
    boolean orderedByResident,
    String legalBasis) {

  /** The flow a descriptor states. */
  public static RecordFlow of(RecordFlowDefinition d) {
    return new RecordFlow(
        d.name(),
        d.path(),
        d.toFhir(),
        d.fromFhir(),
        d.recordNoField(),
        d.identifierSystem(),
        d.focus(),
        d.include(),
        d.iterate(),
        d.requiresResident(),
        d.orderedByResident(),
        d.legalBasis());
  }

  /** The journal's flow id and the inbound route's id. */
  public String toFhirFlow() {
    return name + ".to-fhir";
  }

  public String toFhirEndpoint() {
    return toFhirEndpoint(name);
  }

  /** The inbound route of the flow of this name. */
  public static String toFhirEndpoint(String name) {
    return "direct:" + name + ".to-fhir";
  }

  public String fromFhirEndpoint() {
    return "direct:" + name + ".from-fhir";
  }
}
