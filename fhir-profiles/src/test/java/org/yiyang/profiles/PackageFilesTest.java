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
      if (prefixes.stream().anyMatch(p -> value.startsWith(p) && value.length() > p.length())) {
        assertThat(pkg.byUrl(value)).as("%s = %s", field.getName(), value).isPresent();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
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
            Canonical.SID_USCC,
            Canonical.SID_MEDICAL_LICENCE,
            Canonical.RESIDENT_NO_SYSTEM_PREFIX);
  }
}
