package org.yiyang.mappings;

/** Answers whether a code system of the conformance package defines a code. */
@FunctionalInterface
interface CodeLookup {
  boolean hasCode(String system, String code);
}
