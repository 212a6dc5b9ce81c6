package org.yiyang.gateway.fhir;

import java.util.Optional;

/**
 * The bearer token the gateway sends to the FHIR server, cached until shortly before it expires.
 */
public interface FhirCredentials {

  /** The token to send now; empty when this FHIR server is called without one. */
  Optional<String> bearerToken();

  /** Forgets the cached token: the server refused it (401), the next call gets a fresh one. */
  void refresh();
}
