package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One shared {@link Mapping} used by many threads gives every thread the result it would get alone
 * (dashjoin JSONata binds the input into the expression's shared frame unless each evaluation gets
 * its own; see docs/adr/0020-jsonata-mapping-engine.md).
 */
class ConcurrentMappingTest {

  private static final int THREADS = 8;
  private static final int RECORDS = 200;

  @Test
  void sharedToFhirMappingIsThreadSafe() throws Exception {
    Mapping mapping = Cases.catalog().get("resident-to-patient");
    JsonNode sample = sample("to-fhir/resident-to-patient");
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      ObjectNode input = sample.deepCopy();
      input.put("residentNo", "R" + i);
      input.put("phone", "138" + String.format("%08d", i));
      inputs.add(input);
    }
    runConcurrently(mapping, inputs);
  }

  /** patient-to-resident reads the root ($$) from inside a function: the racy case in 0.9.9. */
  @Test
  void sharedFromFhirMappingIsThreadSafe() throws Exception {
    Mapping mapping = Cases.catalog().get("patient-to-resident");
    JsonNode sample = sample("from-fhir/patient-to-resident");
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      ObjectNode input = sample.deepCopy();
      ((ObjectNode) input.get("extension").get(0).get("valueCoding"))
          .put("code", i % 2 == 0 ? "1" : "9");
      ((ObjectNode) input.get("telecom").get(0)).put("value", "138" + String.format("%08d", i));
      inputs.add(input);
    }
    runConcurrently(mapping, inputs);
  }

  /** The record flows define closures ($put, $observation) inside the mapping: one per call. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "assessment-to-observations, assessmentNo",
    "checkup-to-report, checkupNo",
    "followup-to-careplan, followUpNo",
    "contract-to-careteam, contractNo",
    "agreement-to-affiliation, agreementNo",
    "stay-event-to-episode, stayNo"
  })
  void sharedRecordMappingsAreThreadSafe(String id, String keyField) throws Exception {
    Mapping mapping = Cases.catalog().get(id);
    JsonNode sample = sample("to-fhir/" + id);
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      ObjectNode input = sample.deepCopy();
      input.put(keyField, "N" + i);
      input.put("residentNo", "R" + (i % 7));
      inputs.add(input);
    }
    runConcurrently(mapping, inputs);
  }

  private static JsonNode sample(String folder) {
    return Cases.read(java.nio.file.Path.of("src/main/resources/mappings", folder, "sample.json"));
  }

  private static void runConcurrently(Mapping mapping, List<JsonNode> inputs) throws Exception {
    List<JsonNode> expected = new ArrayList<>();
    for (JsonNode input : inputs) {
      expected.add(mapping.apply(input));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Callable<Integer>> jobs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t;
        jobs.add(
            () -> {
              int mismatches = 0;
              for (int round = 0; round < 3; round++) {
                for (int i = 0; i < RECORDS; i++) {
                  int k = (i + offset * 37) % RECORDS;
                  if (!mapping.apply(inputs.get(k)).equals(expected.get(k))) {
                    mismatches++;
                  }
                }
              }
              return mismatches;
            });
      }
      int mismatches = 0;
      for (Future<Integer> result : pool.invokeAll(jobs)) {
        mismatches += result.get();
      }
      assertThat(mismatches).as("results that differ from the single-threaded run").isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
