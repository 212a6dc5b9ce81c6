package org.yiyang.profiles;

import ca.uhn.fhir.context.FhirContext;

/**
 * The one FHIR R4 context of the application; building a context is costly, so all modules share
 * it.
 */
public final class Fhir {

  private Fhir() {}

  /** The shared, thread-safe R4 context. */
  public static FhirContext r4() {
    return FhirContext.forR4Cached();
  }
}
