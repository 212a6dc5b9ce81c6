package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The NDJSON form of generated elders, one JSON object a line, shared by the sandbox endpoint and
 * the CLI so that both give the same bytes for the same seed.
 *
 * <p>An elder's line: {@code {"resident": .., "assessment": .., "checkup": .., "followUps": [..]}}.
 * A broken record's line: {@code {"invalid": "<kind>", "expect": {"status", "code", "field"},
 * "resident": ..}}.
 */
public final class ElderLines {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ElderLines() {}

  /** One elder as one line, with its newline. */
  public static String line(SyntheticElder elder) {
    ObjectNode line = JSON.createObjectNode();
    line.set("resident", elder.resident());
    line.set("assessment", elder.assessment());
    line.set("checkup", elder.checkup());
    line.putArray("followUps").addAll(elder.followUps());
    return write(line);
  }

  /** One broken record with the answer it must get, as one line. */
  public static String line(InvalidRecord record) {
    ObjectNode line = JSON.createObjectNode();
    line.put("invalid", record.kind().name());
    ObjectNode expect = line.putObject("expect");
    expect.put("status", record.kind().expectedCode().httpStatus());
    expect.put("code", record.kind().expectedCode().code());
    expect.put("field", record.kind().expectedField());
    line.set("resident", record.resident());
    return write(line);
  }

  /** {@code count} elders and, when asked, one broken record of each kind after them. */
  public static String lines(ElderGenerator generator, int count, boolean invalid) {
    StringBuilder out = new StringBuilder();
    for (SyntheticElder elder : generator.elders(count)) {
      out.append(line(elder));
    }
    if (invalid) {
      for (InvalidRecord record : generator.invalidResidents()) {
        out.append(line(record));
      }
    }
    return out.toString();
  }

  private static String write(ObjectNode line) {
    try {
      return JSON.writeValueAsString(line) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
