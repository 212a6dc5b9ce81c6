package org.yiyang.profiles.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;
import org.yiyang.profiles.RegionalValidator.ValidationIssue;
import org.yiyang.profiles.validation.VerdictCorpus.Item;

/**
 * The fast validation path ({@link RegionalValidator#shared()}) reports exactly what HAPI's stock
 * path ({@link RegionalValidator#stock()}) reports, record for record: every package example, every
 * counter-example, and a generated corpus of valid and invalid resources. Runs the corpus on as
 * many threads as there are cores, which also exercises the fast path's pool concurrently.
 */
class VerdictEqualityTest {

  /** Fixed: the corpus is the same on every run and every machine. */
  static final long SEED = 20261123L;

  private static ExecutorService workers;

  @BeforeAll
  static void startWorkers() {
    workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  @AfterAll
  static void stopWorkers() {
    workers.shutdownNow();
  }

  @Test
  void examplesAndCounterExamplesGetTheSameVerdicts() throws Exception {
    List<Item> items = new ArrayList<>();
    ConformancePackage.load().examplesByFile().forEach((file, r) -> items.add(new Item(file, r)));
    items.addAll(counterExamples());
    assertThat(items).hasSizeGreaterThanOrEqualTo(18);

    Outcome outcome = compare(items);

    assertThat(outcome.mismatches).as("records whose verdicts differ").isEmpty();
    assertThat(outcome.invalid).as("counter-examples are rejected").isGreaterThanOrEqualTo(13);
  }

  @Test
  void generatedCorpusGetsTheSameVerdicts() throws Exception {
    List<Item> items = new VerdictCorpus(SEED).generate(520, 190, 190, 100);
    assertThat(items).hasSizeGreaterThanOrEqualTo(1000);

    Outcome outcome = compare(items);

    assertThat(outcome.mismatches).as("records whose verdicts differ").isEmpty();
    // The corpus must exercise both verdicts, or equality would prove little.
    assertThat(outcome.invalid).isGreaterThan(items.size() / 4);
    assertThat(outcome.valid).isGreaterThan(items.size() / 5);
  }

  /**
   * The shared path remembers Organization verdicts by content (ADR 0031): a second look at the
   * same Organizations, valid and invalid, is answered from that cache and still equals stock
   * HAPI's verdict; Patients (personal data, never repeated in practice) are never cached.
   */
  @Test
  void repeatedOrganizationsGetStockVerdictsFromTheCacheAndPatientsAreNotCached() throws Exception {
    List<Item> organizations = new VerdictCorpus(SEED + 1).generate(0, 60, 0, 0);
    RegionalValidator fast = RegionalValidator.shared();

    Outcome first = compare(organizations);
    long hitsBefore = fast.verdictCacheHits();
    Outcome again = compare(organizations);
    long hits = fast.verdictCacheHits() - hitsBefore;

    assertThat(first.mismatches).isEmpty();
    assertThat(again.mismatches).as("verdicts answered from the cache").isEmpty();
    assertThat(hits).isGreaterThanOrEqualTo(organizations.size());
    assertThat(again.invalid).isPositive();
    assertThat(again.valid).isPositive();

    List<Item> patients = new VerdictCorpus(SEED + 1).generate(5, 0, 0, 0);
    long beforePatients = fast.verdictCacheHits();
    compare(patients);
    Outcome patientsAgain = compare(patients);
    assertThat(patientsAgain.mismatches).isEmpty();
    assertThat(fast.verdictCacheHits()).isEqualTo(beforePatients);
  }

  @Test
  void sameCorpusGivesTheSameResources() {
    List<Item> a = new VerdictCorpus(SEED).generate(20, 5, 5, 5);
    List<Item> b = new VerdictCorpus(SEED).generate(20, 5, 5, 5);
    var parser = Fhir.r4().newJsonParser();
    for (int i = 0; i < a.size(); i++) {
      assertThat(parser.encodeResourceToString(a.get(i).resource()))
          .isEqualTo(parser.encodeResourceToString(b.get(i).resource()));
    }
  }

  private record Outcome(List<String> mismatches, int valid, int invalid) {}

  /**
   * Validates every item with both paths and compares the error-level issues (location, message id,
   * message) as sorted lists; all other messages are compared too, so warnings cannot drift either.
   */
  private static Outcome compare(List<Item> items) throws Exception {
    RegionalValidator stock = RegionalValidator.stock();
    RegionalValidator fast = RegionalValidator.shared();
    fast.warmUp();
    List<Future<String>> results = new ArrayList<>();
    int[] counts = new int[2];
    for (Item item : items) {
      results.add(
          workers.submit(
              () -> {
                List<ValidationIssue> reference = stock.validate(item.resource());
                List<String> expected = keys(reference);
                List<String> actual = keys(fast.validate(item.resource()));
                boolean invalid = reference.stream().anyMatch(ValidationIssue::isError);
                synchronized (counts) {
                  counts[invalid ? 1 : 0]++;
                }
                return expected.equals(actual)
                    ? null
                    : item.name() + "\n  stock: " + expected + "\n  fast:  " + actual;
              }));
    }
    List<String> mismatches = new ArrayList<>();
    for (Future<String> f : results) {
      String m = f.get();
      if (m != null) {
        mismatches.add(m);
      }
    }
    return new Outcome(mismatches, counts[0], counts[1]);
  }

  private static List<String> keys(List<ValidationIssue> issues) {
    return issues.stream()
        .map(i -> i.severity() + "|" + i.location() + "|" + i.messageId() + "|" + i.message())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  private static List<Item> counterExamples() throws IOException, URISyntaxException {
    URL dir = VerdictEqualityTest.class.getClassLoader().getResource("counter-examples");
    assertThat(dir).isNotNull();
    var parser = Fhir.r4().newJsonParser();
    List<Item> items = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".json") || name.equals("index.json")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          IBaseResource r = parser.parseResource(in);
          items.add(new Item(name, r));
        }
      }
    }
    return items;
  }
}
