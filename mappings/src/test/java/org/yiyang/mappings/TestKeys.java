package org.yiyang.mappings;

import java.nio.charset.StandardCharsets;

/** The fixed resource-id key of the golden cases: their expected ids are computed under it. */
public final class TestKeys {

  public static final ResourceIdKey ID_KEY =
      ResourceIdKey.of(
          "yiyang-golden-cases-resource-id-key-not-a-secret".getBytes(StandardCharsets.UTF_8));

  private TestKeys() {}
}
