package org.yiyang.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/** Off by default: the sandbox answers as an unknown path does. */
class SandboxControllerTest {

  @Test
  void offAnswersNotFound() {
    SandboxController off = new SandboxController(false);
    assertThatThrownBy(() -> off.elders("10", "1", "3303", null, "false"))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
