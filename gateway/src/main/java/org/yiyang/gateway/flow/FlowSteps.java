package org.yiyang.gateway.flow;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Header;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/**
 * The steps every flow route is made of: parse, check the source, map, validate the target against
 * its regional profile. They know no field: fields live in the mappings and profiles.
 */
@Component
public class FlowSteps {

  /** Exchange header naming the mapping a route runs. */
  public static final String MAPPING_ID = "yyMappingId";

  private static final ObjectMapper STRICT_JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final MappingCatalog mappings;
  private final RegionalValidator validator;
  private final GatewayMetrics metrics;

  public FlowSteps(MappingCatalog mappings, RegionalValidator validator, GatewayMetrics metrics) {
    this.mappings = mappings;
    this.validator = validator;
    this.metrics = metrics;
  }

  /** Parses a facility JSON body; the error names the position, never the content. */
  public JsonNode parseJson(byte[] body) {
    if (body == null || body.length == 0) {
      throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The request body is empty.");
    }
    JsonNode node;
    try {
      node = STRICT_JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw GatewayException.of(
          ErrorCode.MALFORMED_JSON, "", "The body is not well-formed JSON" + where + ".");
    } catch (java.io.IOException e) {
      throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The body could not be read.");
    }
    if (node == null || !node.isObject()) {
      throw GatewayException.of(
          ErrorCode.MALFORMED_JSON, "", "The body must be one JSON object (a record).");
    }
    return node;
  }

  /** Checks the record against the mapping's source schema and rules. */
  public JsonNode checkSource(@Header(MAPPING_ID) String mappingId, JsonNode input) {
    mappings.get(mappingId).requireValidSource(input);
    return input;
  }

  /**
   * The record's facility is the caller's own (ADR 0050): a facility sends its own records only;
   * 403 GW-1021 naming {@code facilityCode} otherwise.
   */
  public JsonNode requireOwnRecord(@Header(Tenancy.CALLER) Caller caller, JsonNode input) {
    JsonNode code = input.get("facilityCode");
    Tenancy.requireOwnWrite(caller, code == null ? null : code.asText(), "facilityCode");
    return input;
  }

  /** Runs a to-FHIR mapping and parses its output strictly as a FHIR transaction Bundle. */
  public Bundle mapToFhir(@Header(MAPPING_ID) String mappingId, JsonNode input) {
    JsonNode output = mappings.get(mappingId).apply(input);
    IParser parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    try {
      return parser.parseResource(Bundle.class, output.toString());
    } catch (DataFormatException e) {
      // The mapping produced something that is not FHIR: a defect of the mapping, not of the input.
      throw new GatewayException(
          ErrorCode.MAPPING_DEFINITION,
          List.of(
              new GatewayException.Issue(
                  ErrorCode.MAPPING_DEFINITION,
                  "",
                  "Mapping " + mappingId + " produced output that is not valid FHIR JSON.")),
          e);
    }
  }

  /** Validates every resource of the Bundle against its profile; 422 with every error found. */
  public Bundle requireValid(Bundle bundle) {
    List<GatewayException.Issue> issues = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource == null) {
        continue;
      }
      long start = System.nanoTime();
      List<RegionalValidator.ValidationIssue> errors = validator.errors(resource);
      metrics.validation(resource.fhirType(), errors.isEmpty(), System.nanoTime() - start);
      for (RegionalValidator.ValidationIssue issue : errors) {
        issues.add(
            new GatewayException.Issue(
                ErrorCode.PROFILE_VIOLATION, issue.location(), issue.message()));
      }
    }
    if (!issues.isEmpty()) {
      throw new GatewayException(ErrorCode.PROFILE_VIOLATION, issues);
    }
    return bundle;
  }

  /**
   * A read-back is a complete record of its exchange format, or a 422 (GW-2002) naming each field
   * the FHIR data lacks or holds in a form the format does not allow: never a 200 with a required
   * field missing.
   */
  public JsonNode requireComplete(@Header(MAPPING_ID) String mappingId, JsonNode record) {
    return mappings.requireComplete(mappingId, record);
  }

  /** Runs a from-FHIR mapping over a resource read from the FHIR server. */
  public JsonNode mapFromFhir(@Header(MAPPING_ID) String mappingId, IBaseResource resource) {
    String encoded = Fhir.r4().newJsonParser().encodeResourceToString(resource);
    try {
      return mappings.get(mappingId).apply(STRICT_JSON.readTree(encoded));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("HAPI produced JSON that Jackson cannot read", e);
    }
  }
}
