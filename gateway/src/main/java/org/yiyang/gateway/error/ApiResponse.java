package org.yiyang.gateway.error;

import java.util.Map;

/**
 * What a flow answers to the HTTP layer: status, extra headers, and a body that is either a FHIR
 * resource (sent as {@code application/fhir+json}) or a JSON tree in facility form.
 */
public record ApiResponse(int status, Map<String, String> headers, Object body, String outcome) {

  public static ApiResponse of(int status, Object body, String outcome) {
    return new ApiResponse(status, Map.of(), body, outcome);
  }

  public ApiResponse withHeader(String name, String value) {
    java.util.LinkedHashMap<String, String> copy = new java.util.LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiResponse(status, Map.copyOf(copy), body, outcome);
  }
}
