package org.yiyang.profiles;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.util.ClasspathUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.NamingSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * The regional conformance package ({@link Canonical#PACKAGE_ID}) as read from the jar: its
 * conformance resources (folder {@code package/}) and its examples (folder {@code
 * package/example/}), parsed strictly once and shared. Immutable and thread-safe.
 */
public final class ConformancePackage {

  /** Name of the examples folder inside the NPM package, as {@link NpmPackage} reports it. */
  public static final String EXAMPLE_FOLDER = "example";

  private static volatile ConformancePackage instance;

  private final NpmPackage npm;
  private final Map<String, IBaseResource> resourcesByFile;
  private final Map<String, IBaseResource> examplesByFile;
  private final Map<String, MetadataResource> byUrl;
  private final Map<String, Set<String>> codesBySystem;

  private ConformancePackage(NpmPackage npm) {
    this.npm = npm;
    IParser parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    this.resourcesByFile = parseFolder(npm, "package", parser);
    this.examplesByFile =
        npm.getFolders().containsKey(EXAMPLE_FOLDER)
            ? parseFolder(npm, EXAMPLE_FOLDER, parser)
            : Map.of();
    Map<String, MetadataResource> urls = new HashMap<>();
    Map<String, Set<String>> codes = new HashMap<>();
    for (IBaseResource resource : resourcesByFile.values()) {
      if (resource instanceof MetadataResource metadata && metadata.hasUrl()) {
        MetadataResource previous = urls.put(metadata.getUrl(), metadata);
        if (previous != null) {
          throw new IllegalStateException(
              "Duplicate canonical URL in package: " + metadata.getUrl());
        }
      }
      if (resource instanceof CodeSystem cs) {
        Set<String> set = new HashSet<>();
        collectCodes(cs.getConcept(), set);
        codes.put(cs.getUrl(), Collections.unmodifiableSet(set));
      }
    }
    this.byUrl = Collections.unmodifiableMap(urls);
    this.codesBySystem = Collections.unmodifiableMap(codes);
  }

  /** The package from {@link Canonical#PACKAGE_CLASSPATH}, read on first call and cached. */
  public static ConformancePackage load() {
    ConformancePackage result = instance;
    if (result == null) {
      synchronized (ConformancePackage.class) {
        result = instance;
        if (result == null) {
          result = readFromClasspath(Canonical.PACKAGE_CLASSPATH);
          instance = result;
        }
      }
    }
    return result;
  }

  /**
   * Reads a package tgz from the classpath without caching; {@link #load()} is the normal entry.
   */
  public static ConformancePackage readFromClasspath(String classpathLocation) {
    try (InputStream in = ClasspathUtil.loadResourceAsStream(classpathLocation)) {
      return new ConformancePackage(NpmPackage.fromPackage(in));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read FHIR package " + classpathLocation, e);
    }
  }

  /** The underlying NPM package (file index, package.json). */
  public NpmPackage npmPackage() {
    return npm;
  }

  /** {@code name} from package.json. */
  public String id() {
    return npm.name();
  }

  /** {@code version} from package.json. */
  public String version() {
    return npm.version();
  }

  /** Every conformance resource of the package, in file-name order. */
  public List<IBaseResource> resources() {
    return List.copyOf(resourcesByFile.values());
  }

  /** Conformance resources keyed by their file name inside {@code package/}. */
  public Map<String, IBaseResource> resourcesByFile() {
    return resourcesByFile;
  }

  /** The example resources of the package, in file-name order. */
  public List<IBaseResource> examples() {
    return List.copyOf(examplesByFile.values());
  }

  /** Example resources keyed by their file name inside {@code package/example/}. */
  public Map<String, IBaseResource> examplesByFile() {
    return examplesByFile;
  }

  /** Any canonical resource of the package by URL. */
  public Optional<MetadataResource> byUrl(String url) {
    return Optional.ofNullable(byUrl.get(url));
  }

  public Optional<CodeSystem> codeSystem(String url) {
    return byUrl(url).filter(CodeSystem.class::isInstance).map(CodeSystem.class::cast);
  }

  public Optional<ValueSet> valueSet(String url) {
    return byUrl(url).filter(ValueSet.class::isInstance).map(ValueSet.class::cast);
  }

  /** A StructureDefinition (profile or extension) of the package by URL, as a differential. */
  public Optional<StructureDefinition> profile(String url) {
    return byUrl(url)
        .filter(StructureDefinition.class::isInstance)
        .map(StructureDefinition.class::cast);
  }

  public List<StructureDefinition> structureDefinitions() {
    return ofType(StructureDefinition.class);
  }

  public List<CodeSystem> codeSystems() {
    return ofType(CodeSystem.class);
  }

  public List<ValueSet> valueSets() {
    return ofType(ValueSet.class);
  }

  public List<org.hl7.fhir.r4.model.SearchParameter> searchParameters() {
    return ofType(org.hl7.fhir.r4.model.SearchParameter.class);
  }

  public List<NamingSystem> namingSystems() {
    return ofType(NamingSystem.class);
  }

  /**
   * True iff the package's CodeSystem {@code system} defines {@code code} at any level of its
   * hierarchy. False for systems not in the package.
   */
  public boolean hasCode(String system, String code) {
    Set<String> codes = codesBySystem.get(system);
    return codes != null && code != null && codes.contains(code);
  }

  /** The display of a code in a package CodeSystem (nested concepts included). */
  public Optional<String> display(String system, String code) {
    return codeSystem(system).flatMap(cs -> find(cs.getConcept(), code)).map(c -> c.getDisplay());
  }

  private <T> List<T> ofType(Class<T> type) {
    return resourcesByFile.values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Optional<ConceptDefinitionComponent> find(
      List<ConceptDefinitionComponent> concepts, String code) {
    for (ConceptDefinitionComponent concept : concepts) {
      if (concept.getCode().equals(code)) {
        return Optional.of(concept);
      }
      Optional<ConceptDefinitionComponent> nested = find(concept.getConcept(), code);
      if (nested.isPresent()) {
        return nested;
      }
    }
    return Optional.empty();
  }

  private static void collectCodes(List<ConceptDefinitionComponent> concepts, Set<String> into) {
    for (ConceptDefinitionComponent concept : concepts) {
      into.add(concept.getCode());
      collectCodes(concept.getConcept(), into);
    }
  }

  private static Map<String, IBaseResource> parseFolder(
      NpmPackage npm, String folderName, IParser parser) {
    NpmPackage.NpmPackageFolder folder = npm.getFolders().get(folderName);
    if (folder == null) {
      throw new IllegalStateException("FHIR package has no folder " + folderName);
    }
    Map<String, IBaseResource> result = new LinkedHashMap<>();
    List<String> files = new ArrayList<>(folder.listFiles());
    Collections.sort(files);
    for (String file : files) {
      if (!file.endsWith(".json") || file.equals("package.json") || file.startsWith(".")) {
        continue;
      }
      String json = new String(folder.getContent().get(file), StandardCharsets.UTF_8);
      try {
        result.put(file, parser.parseResource(json));
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "Cannot parse " + folderName + "/" + file + ": " + e.getMessage(), e);
      }
    }
    return Collections.unmodifiableMap(result);
  }
}
