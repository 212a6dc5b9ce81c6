package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.docs.ProfileDocs;

/**
 * The committed pages under docs/profiles equal what the package generates. Regenerate with {@code
 * ./mvnw -pl fhir-profiles test -Dtest=ProfileDocsTest -Dyiyang.docs.write=true}.
 */
class ProfileDocsTest {

  private static final Path DOCS = Path.of("../docs/profiles");

  @Test
  void committedDocsAreUpToDate() throws IOException {
    ProfileDocs docs = new ProfileDocs(ConformancePackage.load());
    if (Boolean.getBoolean("yiyang.docs.write")) {
      docs.write(DOCS);
    }
    Map<String, String> pages = docs.pages();
    assertThat(DOCS).isDirectory();
    Set<String> committed;
    try (var files = Files.list(DOCS)) {
      committed =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".md"))
              .collect(Collectors.toSet());
    }
    assertThat(committed)
        .as("docs/profiles is stale: regenerate with -Dyiyang.docs.write=true")
        .isEqualTo(pages.keySet());
    for (Map.Entry<String, String> page : pages.entrySet()) {
      assertThat(Files.readString(DOCS.resolve(page.getKey()), StandardCharsets.UTF_8))
          .as("docs/profiles/%s is stale: regenerate with -Dyiyang.docs.write=true", page.getKey())
          .isEqualTo(page.getValue());
    }
  }

  @Test
  void indexListsEveryProfile() {
    String index = new ProfileDocs(ConformancePackage.load()).pages().get("README.md");
    ConformancePackage.load()
        .structureDefinitions()
        .forEach(sd -> assertThat(index).contains("](" + sd.getIdElement().getIdPart() + ".md)"));
  }
}
