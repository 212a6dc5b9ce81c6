package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.NamingSystem;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every source file of the package parses strictly and is named and addressed consistently. */
class PackageFilesTest {

  static final Path PACKAGE_DIR = Path.of("src/main/fhir/package");

  /**
   * Fragments of external code systems (id to URL): they keep the system's own URL so that
   * instances carry the real system, and hold only the codes the profiles bind to (ADR 0011).
   */
  static final Map<String, String> EXTERNAL_FRAGMENTS =
      Map.of("icd-10-cn", Canonical.CS_ICD10_CN, "loinc", Canonical.CS_LOINC);

  /**
   * National code lists whose system is their OID (id to URL, ADR 0052): a coding must carry the
   * system regional platforms use, so the CodeSystem's URL is that system.
   */
  static final Map<String, String> NATIONAL_CODE_SYSTEMS =
      Map.of(
          "gb-t-2261-1-sex", Canonical.CS_GB_SEX,
          "gb-t-2261-2-marital-status", Canonical.CS_GB_MARITAL,
          "gb-3304-ethnicity", Canonical.CS_GB_ETHNICITY);

  private static boolean isExternalFragment(Resource resource) {
    return resource instanceof CodeSystem cs
        && cs.getContent() == CodeSystem.CodeSystemContentMode.FRAGMENT
        && cs.getUrl() != null
        && !cs.getUrl().startsWith(Canonical.BASE);
  }

  static Stream<Path> resourceFiles() throws IOException {
    try (Stream<Path> files = Files.walk(PACKAGE_DIR)) {
      return files
          .filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().equals("package.json"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("resourceFiles")
  void parsesStrictlyAndIsNamedByTypeAndId(Path file) throws IOException {
    IParser parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    IBaseResource parsed = parser.parseResource(Files.readString(file, StandardCharsets.UTF_8));
    Resource resource = (Resource) parsed;
    assertThat(file.getFileName().toString())
        .isEqualTo(resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json");
    if (resource instanceof MetadataResource metadata && !(resource instanceof NamingSystem)) {
      if (isExternalFragment(resource)) {
        // A fragment of an external code system keeps the system's own URL (ADR 0011).
        assertThat(EXTERNAL_FRAGMENTS)
            .containsEntry(resource.getIdElement().getIdPart(), metadata.getUrl());
      } else if (metadata.getUrl().startsWith("urn:oid:")) {
        // A national code list: its URL is its OID, also listed as its identifier (ADR 0052).
        assertThat(NATIONAL_CODE_SYSTEMS)
            .containsEntry(resource.getIdElement().getIdPart(), metadata.getUrl());
        assertThat(((CodeSystem) resource).getIdentifier())
            .anySatisfy(i -> assertThat(i.getValue()).isEqualTo(metadata.getUrl()));
      } else {
        assertThat(metadata.getUrl())
            .isEqualTo(
                Canonical.BASE
                    + "/"
                    + resource.fhirType()
                    + "/"
                    + resource.getIdElement().getIdPart());
      }
      assertThat(metadata.getStatus()).isNotNull();
      assertThat(metadata.getDescription()).as("description of %s", file).isNotBlank();
    }
  }

  @Test
  void packageJsonNamesThePackage() throws IOException {
    String json = Files.readString(PACKAGE_DIR.resolve("package.json"));
    assertThat(json).contains("\"name\": \"" + Canonical.PACKAGE_ID + "\"");
    assertThat(json).contains("\"canonical\": \"" + Canonical.BASE + "\"");
  }

  /** Every URL constant of {@link Canonical} that names a package resource resolves in the jar. */
  @Test
  void everyCanonicalConstantResolvesInThePackage() throws IllegalAccessException {
    ConformancePackage pkg = ConformancePackage.load();
    List<String> prefixes = List.of(Canonical.SD, Canonical.CS, Canonical.VS);
    int checked = 0;
    for (Field field : Canonical.class.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
        continue;
      }
      String value = (String) field.get(null);
      if (field.getName().endsWith("_ALIAS")) {
        // A former URL, read as an alias only: the package no longer holds it (ADR 0052).
        assertThat(pkg.byUrl(value)).as("%s = %s", field.getName(), value).isEmpty();
        continue;
      }
      if (value.startsWith("urn:oid:") && field.getName().startsWith("CS_")) {
        assertThat(pkg.byUrl(value)).as("%s = %s", field.getName(), value).isPresent();
        checked++;
        continue;
      }
      if (prefixes.stream().anyMatch(p -> value.startsWith(p) && value.length() > p.length())) {
        assertThat(pkg.byUrl(value)).as("%s = %s", field.getName(), value).isPresent();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
  }

  /** The national identifiers carry their OID as a uniqueId of type oid, preferred (ADR 0052). */
  @Test
  void nationalIdentifiersCarryTheirOid() {
    Map<String, String> oids =
        Map.of(
            "cn-citizen-id", "2.16.156.10011.1.3",
            "cn-health-record-no", "2.16.156.10011.1.2",
            "cn-health-card-no", "2.16.156.10011.1.19");
    ConformancePackage pkg = ConformancePackage.load();
    oids.forEach(
        (id, oid) -> {
          NamingSystem ns =
              pkg.namingSystems().stream()
                  .filter(n -> n.getIdElement().getIdPart().equals(id))
                  .findFirst()
                  .orElseThrow();
          assertThat(ns.getUniqueId())
              .anySatisfy(
                  u -> {
                    assertThat(u.getType()).isEqualTo(NamingSystem.NamingSystemIdentifierType.OID);
                    assertThat(u.getValue()).isEqualTo(oid);
                    assertThat(u.getPreferred()).isTrue();
                  })
              .anySatisfy(u -> assertThat(u.getValue()).isEqualTo("urn:oid:" + oid));
        });
  }

  @Test
  void everyIdentifierSystemHasANamingSystem() {
    List<String> uniqueIds =
        ConformancePackage.load().namingSystems().stream()
            .flatMap(ns -> ns.getUniqueId().stream())
            .map(NamingSystem.NamingSystemUniqueIdComponent::getValue)
            .toList();
    assertThat(uniqueIds)
        .contains(
            Canonical.SID_CITIZEN_ID,
            Canonical.SID_CITIZEN_ID_ALIAS,
            Canonical.SID_HEALTH_RECORD_NO,
            Canonical.SID_HEALTH_CARD_NO,
            Canonical.SID_USCC,
            Canonical.SID_MEDICAL_LICENCE,
            Canonical.RESIDENT_NO_SYSTEM_PREFIX);
  }
}
