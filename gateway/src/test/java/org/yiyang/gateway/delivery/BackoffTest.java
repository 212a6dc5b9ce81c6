package org.yiyang.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCapWithoutJitter() {
    Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10), 2.0, 0.0, () -> 0.5);
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.delayAfter(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.delayAfter(4)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.delayAfter(60)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void jitterDrawsTheGivenFractionAtRandom() {
    Backoff low = new Backoff(Duration.ofSeconds(4), Duration.ofMinutes(1), 2.0, 0.5, () -> 0.0);
    Backoff high = new Backoff(Duration.ofSeconds(4), Duration.ofMinutes(1), 2.0, 0.5, () -> 1.0);
    assertThat(low.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(high.delayAfter(1)).isEqualTo(Duration.ofSeconds(4));
  }
}
