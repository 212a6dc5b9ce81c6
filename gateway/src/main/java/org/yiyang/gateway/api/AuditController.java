package org.yiyang.gateway.api;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.audit.AuditAdmin;
import org.yiyang.gateway.security.Access;

/**
 * The audit trail (auditors only, read-only): rows, the chain's verification, FHIR AuditEvents (ADR
 * 0053). There is no path that changes or deletes a row. This class only declares paths.
 */
@RestController
@RequestMapping(AuditController.PATH)
public class AuditController {

  public static final String PATH = "/api/v1/admin/audit";

  private final AuditAdmin admin;

  public AuditController(AuditAdmin admin) {
    this.admin = admin;
  }

  /** Rows by {@code since}, {@code until}, {@code client}, {@code outcome}, {@code correlation}. */
  @GetMapping
  @PreAuthorize(Access.AUDITOR)
  public ResponseEntity<byte[]> list(
      @RequestParam MultiValueMap<String, String> parameters,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.list(parameters), correlation);
  }

  /** {@code {verified, checked, firstBroken?, head}}. */
  @GetMapping("/verify")
  @PreAuthorize(Access.AUDITOR)
  public ResponseEntity<byte[]> verify(
      @RequestParam MultiValueMap<String, String> parameters,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.verify(parameters), correlation);
  }

  /** The same rows as {@code list}, as a FHIR Bundle (collection) of AuditEvents. */
  @GetMapping("/export")
  @PreAuthorize(Access.AUDITOR)
  public ResponseEntity<byte[]> export(
      @RequestParam MultiValueMap<String, String> parameters,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.export(parameters, PATH + "/export"), correlation);
  }
}
