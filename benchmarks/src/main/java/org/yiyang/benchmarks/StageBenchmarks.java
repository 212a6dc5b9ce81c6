package org.yiyang.benchmarks;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.yiyang.mappings.Mapping;
import org.yiyang.profiles.Fhir;

/** The cheap stages of the resident flow, per record: source check, mapping, parse + encode. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StageBenchmarks {

  private static final int CORPUS = 256;

  private Mapping mapping;
  private List<JsonNode> records;
  private List<String> mappedJson;
  private IParser parser;
  private int next;

  @Setup
  public void setUp() {
    mapping = Corpus.residentMapping();
    Residents residents = new Residents("stage");
    records = new ArrayList<>();
    mappedJson = new ArrayList<>();
    for (int i = 0; i < CORPUS; i++) {
      JsonNode r = residents.record(i);
      records.add(r);
      mappedJson.add(mapping.apply(r).toString());
    }
    parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  }

  private int nextIndex() {
    next = (next + 1) % CORPUS;
    return next;
  }

  @Benchmark
  public Object sourceCheck() {
    return mapping.checkSource(records.get(nextIndex()));
  }

  @Benchmark
  public Object jsonataMapping() {
    return mapping.apply(records.get(nextIndex()));
  }

  @Benchmark
  public String hapiParseEncode() {
    Bundle b = parser.parseResource(Bundle.class, mappedJson.get(nextIndex()));
    return parser.encodeResourceToString(b);
  }
}
