package org.yiyang.gateway.api;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.delivery.MessageAdmin;
import org.yiyang.gateway.delivery.MessageAdmin.Query;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.Caller;

/**
 * Journaled messages: status, dead letters, replay; for operators, and for a facility its own
 * messages only. This class only declares paths and who may call them.
 */
@RestController
@RequestMapping("/api/v1/messages")
public class MessageController {

  private final MessageAdmin admin;

  public MessageController(MessageAdmin admin) {
    this.admin = admin;
  }

  /** Messages by state, facility, flow and arrival time, oldest first, paged. */
  @GetMapping
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> list(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String facility,
      @RequestParam(required = false) String flow,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(
        admin.list(new Query(state, facility, flow, since, until), page, size, caller()),
        correlation);
  }

  /** One message's status: state, attempts, error codes; never its content. */
  @GetMapping("/{id}")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> status(
      @PathVariable String id,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.status(id, caller()), correlation);
  }

  /** Sends a dead message again, with a fresh set of attempts. */
  @PostMapping("/{id}/replay")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> replay(
      @PathVariable String id,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.replay(id, caller()), correlation);
  }

  /** Sends every dead message matching the filter again. */
  @PostMapping("/replay")
  @PreAuthorize(Access.FACILITY_OR_OPERATOR)
  public ResponseEntity<byte[]> replayAll(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String facility,
      @RequestParam(required = false) String flow,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(
        admin.replayAll(new Query(state, facility, flow, since, until), caller()), correlation);
  }

  private static Caller caller() {
    return Caller.current().orElse(null);
  }
}
