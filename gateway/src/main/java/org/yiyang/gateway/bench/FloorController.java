package org.yiyang.gateway.bench;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.api.FlowInvoker;
import org.yiyang.gateway.security.Access;

/** {@code POST /bench/floor}: the same invoker as the resident API, into the floor route. */
@RestController
@ConditionalOnProperty(prefix = "gateway.bench", name = "enabled", havingValue = "true")
public class FloorController {

  private final FlowInvoker flows;

  public FloorController(FlowInvoker flows) {
    this.flows = flows;
  }

  @PostMapping("/bench/floor")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> post(
      @RequestBody byte[] body,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return flows.invoke(FloorRoutes.FLOOR, body, Map.of(), correlation);
  }
}
