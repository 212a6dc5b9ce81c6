package org.yiyang.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.yiyang.profiles.RegionalValidator;

/**
 * The gateway's validation path ({@code fast}: {@link RegionalValidator#shared()}) against HAPI's
 * stock {@code FhirInstanceValidator} ({@code stock}: {@link RegionalValidator#stock()}), same
 * chain, same settings, same corpus, same JVM. One operation = one Patient, or one check-up Bundle
 * validated entry by entry as the gateway does. {@code bundle}: the 64 Bundles share their facility
 * Organization, as a facility's records do (the fast path's verdict cache answers it after the
 * first time, ADR 0031); {@code bundleDistinct}: every Organization differs, so nothing is
 * repeated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ValidationBenchmarks {

  private static final int CORPUS = 64;

  @Param({"stock", "fast"})
  public String path;

  @Param({"patient", "bundle", "bundleDistinct"})
  public String corpus;

  private RegionalValidator validator;
  private List<List<Resource>> items;

  @Setup
  public void setUp() {
    validator = "stock".equals(path) ? RegionalValidator.stock() : RegionalValidator.shared();
    validator.warmUp();
    items = new ArrayList<>();
    if ("patient".equals(corpus)) {
      Corpus.patients(CORPUS).forEach(p -> items.add(List.of(p)));
    } else {
      for (Bundle b : Corpus.checkUpBundles(CORPUS, "bundleDistinct".equals(corpus))) {
        items.add(Corpus.entries(b));
      }
    }
  }

  /** Per-thread cursor so that concurrent threads walk the corpus independently. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public int validate(Cursor cursor) {
    cursor.next = (cursor.next + 1) % CORPUS;
    int errors = 0;
    for (Resource r : items.get(cursor.next)) {
      errors += validator.errors(r).size();
    }
    return errors;
  }
}
