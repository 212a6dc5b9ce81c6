package org.yiyang.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTraceTest {

  @Test
  void keepsClassesAndFramesOfTheWholeChainButNoMessage() {
    IllegalArgumentException cause = new IllegalArgumentException("name 王秀英 phone 13800000000");
    IllegalStateException failure = new IllegalStateException("id 330302194305120024", cause);

    String trace = SafeTrace.of(failure);

    assertThat(trace)
        .startsWith("java.lang.IllegalStateException\n")
        .contains("Caused by: java.lang.IllegalArgumentException")
        .contains("\tat org.yiyang.gateway.logging.SafeTraceTest.")
        .doesNotContain("330302194305120024")
        .doesNotContain("王秀英")
        .doesNotContain("13800000000");
  }

  @Test
  void stopsAtACycleInTheCauseChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(SafeTrace.of(a).split("java.lang.RuntimeException", -1)).hasSize(3);
  }
}
