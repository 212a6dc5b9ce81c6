package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A mapping evaluated many times on the thread that compiled it keeps giving the same result.
 * dashjoin JSONata 0.9.9 chained a new frame onto the expression's environment at every call on
 * that thread: each call got slower and the lookups deeper. On a thread with a small stack that
 * chain overflows within a few thousand calls, so the defect fails here fast instead of slowly.
 */
class RepeatedEvaluationTest {

  private static final int CALLS = 10_000;
  private static final long STACK_BYTES = 256 * 1024;

  @Test
  void tenThousandCallsOnTheCompilingThreadGiveTheFirstResult() throws Exception {
    JsonNode input;
    try (InputStream in =
        getClass().getResourceAsStream("/mappings/to-fhir/resident-to-patient/sample.json")) {
      input = new ObjectMapper().readTree(in);
    }
    AtomicReference<JsonNode> first = new AtomicReference<>();
    AtomicReference<JsonNode> last = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread worker =
        new Thread(
            null,
            () -> {
              try {
                Mapping mapping =
                    MappingCatalog.loadFromClasspath(TestKeys.ID_KEY).get("resident-to-patient");
                first.set(mapping.apply(input));
                for (int i = 1; i < CALLS; i++) {
                  last.set(mapping.apply(input));
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "repeated-evaluation",
            STACK_BYTES);
    worker.start();
    worker.join();
    assertThat(failure.get()).isNull();
    assertThat(last.get()).isEqualTo(first.get());
  }
}
