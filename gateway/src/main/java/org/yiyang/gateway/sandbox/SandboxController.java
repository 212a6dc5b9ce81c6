package org.yiyang.gateway.sandbox;

import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Role;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.profiles.ErrorCode;

/**
 * Synthetic elders for integration testers (issue 21), as NDJSON ({@link ElderLines}); nothing is
 * stored or sent. Served only when {@code gateway.sandbox.enabled} is on (the {@code sandbox}
 * profile); otherwise every call answers 404 as an unknown path would. The handler stays mapped
 * either way, so that its access rule is checked like every other one (AccessMatrixIT): the role is
 * refused before the switch is looked at, and a production gateway tells an unauthenticated caller
 * nothing about it.
 */
@RestController
@RequestMapping(SandboxController.PATH)
public class SandboxController {

  public static final String PATH = "/api/v1/sandbox";

  /** More than a test run needs, few enough to answer in one response. */
  static final int MAX_COUNT = 1000;

  private final boolean enabled;

  public SandboxController(@Value("${gateway.sandbox.enabled:false}") boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * {@code count} elders (resident, assessment, check-up, follow-ups) for the seed, under the
   * division code or prefix, and with {@code invalid=true} one broken resident of each {@link
   * InvalidKind} labelled with the answer the gateway owes it. A facility gets records of its own
   * facility code; an operator those of {@code facilityCode}, or of a generated facility.
   */
  @PostMapping(value = "/elders", produces = "application/x-ndjson")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> elders(
      @RequestParam(defaultValue = "10") String count,
      @RequestParam(defaultValue = "1") String seed,
      @RequestParam(defaultValue = ElderGenerator.DEFAULT_DIVISION) String division,
      @RequestParam(required = false) String facilityCode,
      @RequestParam(defaultValue = "false") String invalid) {
    if (!enabled) {
      throw GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API.");
    }
    Caller caller = Caller.current().orElse(null);
    String facility = facilityCode;
    if (caller != null && caller.is(Role.FACILITY)) {
      Tenancy.requireOwnWrite(caller, facilityCode, "facilityCode");
      facility = caller.uscc();
    }
    ElderGenerator generator;
    try {
      generator = new ElderGenerator(number(seed, "seed"), division, facility);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().substring(0, e.getMessage().indexOf(':'));
      ErrorCode code = field.equals("facilityCode") ? ErrorCode.USCC_CHECK : ErrorCode.UNKNOWN_CODE;
      if (field.equals("division") && !division.matches("[0-9]{2,6}")) {
        code = ErrorCode.INVALID_VALUE;
      }
      throw GatewayException.of(code, field, e.getMessage());
    }
    if (!invalid.equals("true") && !invalid.equals("false")) {
      throw GatewayException.of(ErrorCode.INVALID_VALUE, "invalid", "invalid: true or false");
    }
    long n = number(count, "count");
    if (n < 1 || n > MAX_COUNT) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, "count", "count: from 1 to " + MAX_COUNT + " elders a call");
    }
    byte[] body =
        ElderLines.lines(generator, (int) n, invalid.equals("true"))
            .getBytes(StandardCharsets.UTF_8);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/x-ndjson"))
        .body(body);
  }

  private static long number(String value, String field) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw GatewayException.of(ErrorCode.INVALID_VALUE, field, field + ": a whole number");
    }
  }
}
