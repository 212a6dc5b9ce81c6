package org.yiyang.gateway.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

/**
 * Resident transaction Bundles as the journal stores them (the mapped form of the resident golden
 * case {@code 02-full}), each with its own ids, name and phone: synthetic, never a real person.
 */
final class SyntheticBundles {

  private static final String TEMPLATE = load();
  private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
  private static final String GIVEN = "秀英建国丽华敏芳伟强军平红梅兰桂英志明淑珍玉凤";

  private final Random random;

  SyntheticBundles(long seed) {
    this.random = new Random(seed);
  }

  /** The payload of record {@code n}. */
  String bundle(long n) {
    String name =
        ""
            + SURNAMES.charAt(random.nextInt(SURNAMES.length()))
            + GIVEN.charAt(random.nextInt(GIVEN.length()))
            + GIVEN.charAt(random.nextInt(GIVEN.length()));
    return TEMPLATE
        .replace("{{patientId}}", "res-" + hex(32))
        .replace(
            "{{citizenId}}", String.format("3304061948%08d", Math.floorMod(n * 7919, 100000000L)))
        .replace("{{residentNo}}", "R" + n)
        .replace("{{phone}}", "139" + String.format("%08d", random.nextInt(100_000_000)))
        .replace("{{name}}", name)
        .replace("{{uuid}}", UUID.randomUUID().toString());
  }

  private String hex(int digits) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(random.nextInt(16), 16));
    }
    return s.toString();
  }

  private static String load() {
    try (InputStream in =
        SyntheticBundles.class.getResourceAsStream("/journal/resident-bundle.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
