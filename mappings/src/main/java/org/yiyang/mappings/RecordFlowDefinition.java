package org.yiyang.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One health-record flow as its descriptor ({@code mappings/flows/<name>/flow.json}) states it: a
 * facility record that becomes a set of FHIR resources in one transaction and comes back from one
 * search. Data, so that adding a record flow is adding a folder, not editing Java (issue 23); the
 * shape is {@code mappings/flow.schema.json}, checked when the catalog loads.
 *
 * @param name flow name, also the journal's flow prefix (e.g. {@code assessment})
 * @param path the API collection under {@code /api/v1/} (e.g. {@code assessments})
 * @param toFhir mapping id, facility JSON → transaction Bundle
 * @param fromFhir mapping id, searchset Bundle → facility JSON
 * @param recordNoField the record number's field in facility JSON (e.g. {@code assessmentNo})
 * @param identifierSystem the record-number identifier system without the facility code; mappings
 *     read it with {@code $recordNoSystem()}
 * @param focus the resource type searched by the record number when reading back
 * @param include {@code _include} values of that search
 * @param iterate {@code _include:iterate} values of that search
 * @param orderingKey {@code resident}: delivered in order after the resident's own messages; {@code
 *     record}: ordered per record (a record about no resident, such as an agreement)
 * @param requiresResident the record names a registered resident ({@code residentNo})
 * @param legalBasis the PIPL (个人信息保护法) article 13 basis of processing the record: {@code consent},
 *     {@code statutory-duty} or {@code emergency}
 * @param notCarried fields the flow accepts but does not carry back (round trip exceptions)
 * @param readOnly fields only the read-back has (a referral's state), compared on neither side
 * @param exchangeFormat the exchange-format document of the record, relative to the repository
 */
public record RecordFlowDefinition(
    String name,
    String path,
    String toFhir,
    String fromFhir,
    String recordNoField,
    String identifierSystem,
    String focus,
    List<String> include,
    List<String> iterate,
    String orderingKey,
    boolean requiresResident,
    String legalBasis,
    List<String> notCarried,
    List<String> readOnly,
    String exchangeFormat) {

  /** A descriptor that has passed {@code flow.schema.json}. */
  static RecordFlowDefinition of(JsonNode json) {
    return new RecordFlowDefinition(
        json.path("name").asText(),
        json.path("path").asText(),
        json.path("toFhir").asText(),
        json.path("fromFhir").asText(),
        json.path("recordNoField").asText(),
        json.path("identifierSystem").asText(),
        json.path("focus").asText(),
        strings(json.path("readBack").path("include")),
        strings(json.path("readBack").path("iterate")),
        json.path("orderingKey").asText(),
        json.path("requiresResident").asBoolean(),
        json.path("legalBasis").asText(),
        strings(json.path("roundTrip").path("notCarried")),
        strings(json.path("roundTrip").path("readOnly")),
        json.path("exchangeFormat").asText());
  }

  /** Whether records are delivered in their resident's order rather than each on its own. */
  public boolean orderedByResident() {
    return "resident".equals(orderingKey);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return List.copyOf(values);
  }
}
