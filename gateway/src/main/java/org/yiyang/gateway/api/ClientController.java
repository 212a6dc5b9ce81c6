package org.yiyang.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.ClientAdmin;
import org.yiyang.profiles.ErrorCode;

/**
 * OAuth2 clients (operators only): register, list, show, rotate, revoke (ADR 0050). This class only
 * declares paths.
 */
@RestController
@RequestMapping("/api/v1/admin/clients")
public class ClientController {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientAdmin admin;
  private final RequestGuard guard;

  public ClientController(ClientAdmin admin, RequestGuard guard) {
    this.admin = admin;
    this.guard = guard;
  }

  /**
   * {@code {"clientName", "role", "facilityCode"?, "auth", "jwks"?}} → 201 {clientId,
   * clientSecret?}.
   */
  @PostMapping
  @PreAuthorize(Access.OPERATOR)
  public ResponseEntity<byte[]> register(
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    guard.requireJson(contentType);
    guard.requireSize(body);
    return FlowInvoker.render(admin.register(json(body)), correlation);
  }

  @GetMapping
  @PreAuthorize(Access.OPERATOR)
  public ResponseEntity<byte[]> list(
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.list(), correlation);
  }

  @GetMapping("/{clientId}")
  @PreAuthorize(Access.OPERATOR)
  public ResponseEntity<byte[]> show(
      @PathVariable String clientId,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.show(clientId), correlation);
  }

  /** A new secret (answered once), or a new key set {@code {"jwks": …}}. */
  @PostMapping("/{clientId}/rotate")
  @PreAuthorize(Access.OPERATOR)
  public ResponseEntity<byte[]> rotate(
      @PathVariable String clientId,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    JsonNode json = null;
    if (body != null && body.length > 0) {
      guard.requireJson(contentType);
      guard.requireSize(body);
      json = json(body);
    }
    return FlowInvoker.render(admin.rotate(clientId, json), correlation);
  }

  /** Revokes the client: 204; its tokens are refused from now on. */
  @DeleteMapping("/{clientId}")
  @PreAuthorize(Access.OPERATOR)
  public ResponseEntity<byte[]> revoke(
      @PathVariable String clientId,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return FlowInvoker.render(admin.revoke(clientId), correlation);
  }

  private static JsonNode json(byte[] body) {
    try {
      JsonNode node = body == null ? null : JSON.readTree(body);
      if (node == null) {
        throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The request body is empty.");
      }
      return node;
    } catch (IOException e) {
      throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The body is not well-formed JSON.");
    }
  }
}
