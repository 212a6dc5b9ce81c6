package org.yiyang.mappings;

/** Which way a mapping goes; also the name of its folder under {@code mappings/}. */
public enum Direction {
  /** Facility JSON to FHIR R4. */
  TO_FHIR("to-fhir"),
  /** FHIR R4 to facility JSON. */
  FROM_FHIR("from-fhir");

  private final String folder;

  Direction(String folder) {
    this.folder = folder;
  }

  public String folder() {
    return folder;
  }

  static Direction ofFolder(String folder) {
    for (Direction direction : values()) {
      if (direction.folder.equals(folder)) {
        return direction;
      }
    }
    throw new IllegalArgumentException("unknown direction folder " + folder);
  }
}
