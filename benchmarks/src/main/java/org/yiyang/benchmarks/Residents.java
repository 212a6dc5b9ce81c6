package org.yiyang.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;

/**
 * Synthetic resident records in the facility format (resident exchange format v1), built from the
 * mapping's sample: each has a unique resident number and a citizen ID with a correct GB 11643
 * check character whose birth date and sex agree with the record. No real person's data.
 */
public final class Residents {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK = "10X98765432";
  private static final String SAMPLE = "/mappings/to-fhir/resident-to-patient/sample.json";

  private final ObjectNode sample;
  private final String runTag;

  /**
   * @param runTag a short tag put into every resident number so that two runs against the same
   *     server do not collide (letters and digits only)
   */
  public Residents(String runTag) {
    this.runTag = runTag;
    try (InputStream in = Residents.class.getResourceAsStream(SAMPLE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + SAMPLE);
      }
      this.sample = (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Record number {@code i}: same {@code i}, same record. */
  public ObjectNode record(long i) {
    ObjectNode r = sample.deepCopy();
    boolean female = (i & 1) == 0;
    LocalDate birth = LocalDate.of(1930, 1, 1).plusDays(Math.floorMod(i * 7919L, 365L * 30));
    r.put("residentNo", "B" + runTag + "-" + i);
    r.put("idCardNo", citizenId("330302", birth, (int) Math.floorMod(i, 499L), female));
    r.put("birthDate", birth.toString());
    r.put("genderCode", female ? "2" : "1");
    return r;
  }

  /** Record {@code i} as the bytes a facility would post. */
  public byte[] body(long i) {
    return record(i).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A GB 11643-1999 citizen ID number: division, birth date, sequence (odd = male), check. */
  public static String citizenId(String division, LocalDate birth, int sequence, boolean female) {
    int seq = (sequence % 499) * 2 + (female ? 0 : 1);
    String body =
        division
            + String.format(
                "%04d%02d%02d%03d",
                birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth(), seq);
    int sum = 0;
    for (int k = 0; k < 17; k++) {
      sum += (body.charAt(k) - '0') * WEIGHTS[k];
    }
    return body + CHECK.charAt(sum % 11);
  }
}
