package org.yiyang.mappings;

/**
 * A mapping, schema, ConceptMap or index file on the classpath is broken; thrown while the catalog
 * loads so that the application refuses to start. The message names the file and the problem.
 */
public class MappingDefinitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MappingDefinitionException(String message) {
    super(message);
  }

  public MappingDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
