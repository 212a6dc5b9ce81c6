package org.yiyang.benchmarks;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.yiyang.mappings.Mapping;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.Fhir;

/**
 * The validation corpus: Patients exactly as the gateway produces them (resident records run
 * through the resident-to-patient mapping), and mixed "65+ check-up" Bundles of Organization +
 * Patient + ability-level Observation, all accepted by the package's profiles.
 */
public final class Corpus {

  private Corpus() {}

  /** The resident-to-patient mapping, compiled once, under a random resource-id key. */
  public static Mapping residentMapping() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    return MappingCatalog.loadFromClasspath(org.yiyang.mappings.ResourceIdKey.of(secret))
        .get("resident-to-patient");
  }

  /** {@code n} mapped transaction Bundles (Organization + Patient), distinct residents. */
  public static List<Bundle> residentBundles(int n) {
    Mapping mapping = residentMapping();
    Residents residents = new Residents("corpus");
    IParser parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    List<Bundle> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(parser.parseResource(Bundle.class, mapping.apply(residents.record(i)).toString()));
    }
    return out;
  }

  /** {@code n} distinct Patients. */
  public static List<Patient> patients(int n) {
    List<Patient> out = new ArrayList<>(n);
    for (Bundle b : residentBundles(n)) {
      b.getEntry().stream()
          .map(Bundle.BundleEntryComponent::getResource)
          .filter(Patient.class::isInstance)
          .map(Patient.class::cast)
          .forEach(out::add);
    }
    return out;
  }

  /**
   * {@code n} check-up Bundles: the mapped Bundle plus an ability-level Observation. All residents
   * live in the same facility, so every Bundle carries the same facility Organization, as a
   * facility's records do.
   */
  public static List<Bundle> checkUpBundles(int n) {
    return checkUpBundles(n, false);
  }

  /**
   * As {@link #checkUpBundles(int)}; with {@code distinctFacilities} each Bundle's Organization has
   * a name of its own, so that no two resources of the corpus are identical (what a cache keyed by
   * content cannot help with).
   */
  public static List<Bundle> checkUpBundles(int n, boolean distinctFacilities) {
    Observation template =
        (Observation)
            ConformancePackage.load()
                .examplesByFile()
                .get("Observation-example-ability-level.json");
    List<Bundle> out = new ArrayList<>(n);
    int i = 0;
    for (Bundle b : residentBundles(n)) {
      Patient patient =
          (Patient)
              b.getEntry().stream()
                  .map(Bundle.BundleEntryComponent::getResource)
                  .filter(Patient.class::isInstance)
                  .findFirst()
                  .orElseThrow();
      if (distinctFacilities) {
        String suffix = " " + (i + 1);
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(org.hl7.fhir.r4.model.Organization.class::isInstance)
            .map(org.hl7.fhir.r4.model.Organization.class::cast)
            .forEach(o -> o.setName(o.getName() + suffix));
      }
      Observation obs = template.copy();
      obs.setId("abl-" + i);
      obs.getSubject().setReference("Patient/" + patient.getIdElement().getIdPart());
      obs.getValueCodeableConcept()
          .getCodingFirstRep()
          .setCode(String.valueOf(i % 5))
          .setDisplay(null);
      obs.getComponentFirstRep().setValue(new org.hl7.fhir.r4.model.IntegerType((i * 13) % 91));
      b.addEntry()
          .setFullUrl("urn:uuid:" + java.util.UUID.nameUUIDFromBytes(("abl-" + i).getBytes()))
          .setResource(obs)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
      out.add(b);
      i++;
    }
    return out;
  }

  /** The resources of a Bundle, in entry order (the gateway validates entry by entry). */
  public static List<Resource> entries(Bundle bundle) {
    return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
  }
}
