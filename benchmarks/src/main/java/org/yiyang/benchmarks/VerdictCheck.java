package org.yiyang.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.yiyang.profiles.RegionalValidator;
import org.yiyang.profiles.RegionalValidator.ValidationIssue;

/**
 * Validates the benchmark corpus (plus a broken copy of each Patient) with both paths and prints
 * {@code verdicts_identical=true|false}; the exhaustive proof is VerdictEqualityTest.
 */
public final class VerdictCheck {

  private VerdictCheck() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    List<Resource> corpus = new ArrayList<>();
    for (Bundle b : Corpus.checkUpBundles(n)) {
      corpus.addAll(Corpus.entries(b));
    }
    for (Patient p : Corpus.patients(n)) {
      Patient broken = p.copy();
      broken.setBirthDate(null);
      broken.getIdentifierFirstRep().setValue("12345");
      corpus.add(broken);
    }
    RegionalValidator stock = RegionalValidator.stock();
    RegionalValidator fast = RegionalValidator.shared();
    fast.warmUp();
    int same = 0;
    int invalid = 0;
    for (Resource r : corpus) {
      List<String> expected = errorKeys(stock.validate(r));
      if (expected.equals(errorKeys(fast.validate(r)))) {
        same++;
      }
      if (!expected.isEmpty()) {
        invalid++;
      }
    }
    System.out.printf(
        "verdict check: %d resources (%d with errors), %d identical%n",
        corpus.size(), invalid, same);
    System.out.println("verdicts_identical=" + (same == corpus.size()));
  }

  private static List<String> errorKeys(List<ValidationIssue> issues) {
    return issues.stream()
        .filter(ValidationIssue::isError)
        .map(i -> i.location() + "|" + i.messageId() + "|" + i.message())
        .sorted(Comparator.naturalOrder())
        .toList();
  }
}
