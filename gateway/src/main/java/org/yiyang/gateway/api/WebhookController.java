package org.yiyang.gateway.api;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.gateway.notify.WebhookAdmin;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Tenancy;

/**
 * Facility webhooks: register, show, remove; for operators, and for a facility its own webhook only
 * (another facility's answers as a missing one). This class only declares paths.
 */
@RestController
@RequestMapping("/api/v1/admin/webhooks")
public class WebhookController {

  private final WebhookAdmin admin;
  private final RequestGuard guard;

  public WebhookController(WebhookAdmin admin, RequestGuard guard) {
    this.admin = admin;
    this.guard = guard;
  }

  /** Registers or replaces the facility's webhook URL and secret (the secret is write-only). */
  @PutMapping("/{facilityCode}")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> put(
      @PathVariable String facilityCode,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    own(facilityCode);
    guard.requireJson(contentType);
    byte[] bytes = body == null ? new byte[0] : body;
    guard.requireSize(bytes);
    return FlowInvoker.render(admin.put(facilityCode, bytes), correlation);
  }

  @GetMapping("/{facilityCode}")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> get(
      @PathVariable String facilityCode,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    own(facilityCode);
    return FlowInvoker.render(admin.get(facilityCode), correlation);
  }

  @DeleteMapping("/{facilityCode}")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> delete(
      @PathVariable String facilityCode,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    own(facilityCode);
    return FlowInvoker.render(admin.delete(facilityCode), correlation);
  }

  private static void own(String facilityCode) {
    RecordKeys.requireFacilityCode(facilityCode);
    Tenancy.requireOwnOrMissing(
        Caller.current().orElse(null), facilityCode, WebhookAdmin::notFound);
  }
}
