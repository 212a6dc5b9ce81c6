package org.yiyang.mappings;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throwaway measurements, not a test (run from the mappings module directory with the test
 * classpath): {@code cost} prints warm µs per record for checkSource + apply; {@code race} shows
 * why each evaluation needs its own JSONata frame.
 */
public final class MappingProbe {

  private MappingProbe() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "cost";
    if (mode.equals("race")) {
      race();
    } else {
      cost();
    }
  }

  private static JsonNode sample() {
    return Cases.read(
        Path.of("src/main/resources/mappings/to-fhir/resident-to-patient/sample.json"));
  }

  private static void cost() {
    MappingCatalog catalog = MappingCatalog.loadFromClasspath(TestKeys.ID_KEY);
    Mapping toFhir = catalog.get("resident-to-patient");
    Mapping fromFhir = catalog.get("patient-to-resident");
    JsonNode record = sample();
    JsonNode patient =
        Cases.read(
            Path.of("src/main/resources/mappings/from-fhir/patient-to-resident/sample.json"));
    int warm = 20_000;
    int measured = 50_000;
    for (int i = 0; i < warm; i++) {
      toFhir.checkSource(record);
      toFhir.apply(record);
      fromFhir.apply(patient);
    }
    long check = 0;
    long apply = 0;
    long back = 0;
    for (int i = 0; i < measured; i++) {
      long t0 = System.nanoTime();
      toFhir.checkSource(record);
      long t1 = System.nanoTime();
      toFhir.apply(record);
      long t2 = System.nanoTime();
      fromFhir.apply(patient);
      long t3 = System.nanoTime();
      check += t1 - t0;
      apply += t2 - t1;
      back += t3 - t2;
    }
    System.out.printf(
        "resident-to-patient: checkSource %.1f µs + apply %.1f µs = %.1f µs/record;"
            + " patient-to-resident apply %.1f µs/record (%d records, warm)%n",
        check / 1000.0 / measured,
        apply / 1000.0 / measured,
        (check + apply) / 1000.0 / measured,
        back / 1000.0 / measured,
        measured);
  }

  /** Evaluates one shared expression from 8 threads, with and without a frame per call. */
  private static void race() throws Exception {
    Jsonata expression = Jsonata.jsonata("{ \"copy\": $string(n), \"n\": $$.n }");
    for (boolean framePerCall : new boolean[] {false, true}) {
      AtomicInteger wrong = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        jobs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200_000; i++) {
                    int n = thread * 1_000_000 + i;
                    ObjectNode input = Cases.JSON.createObjectNode().put("n", n);
                    Object data = Cases.JSON.convertValue(input, Object.class);
                    Object out =
                        framePerCall
                            ? expression.evaluate(data, expression.createFrame())
                            : expression.evaluate(data);
                    Object seen = ((Map<?, ?>) out).get("n");
                    if (seen == null || ((Number) seen).intValue() != n) {
                      wrong.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
      pool.shutdown();
      System.out.printf(
          "frame per call=%s: %d wrong results out of 1600000%n", framePerCall, wrong.get());
    }
  }
}
