package org.yiyang.gateway.api;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/** Checks that apply to every facility request before a flow sees it: media type and size. */
@Component
public class RequestGuard {

  private final long maxBodyBytes;
  private final BodyLimits limits;

  public RequestGuard(GatewayProperties properties, BodyLimits limits) {
    this.maxBodyBytes = properties.api().maxBodySize().toBytes();
    this.limits = limits;
  }

  public void requireJson(String contentType) {
    if (contentType == null) {
      throw GatewayException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "",
          "Send the record with Content-Type application/json.");
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      boolean json =
          MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
      if (!json) {
        throw GatewayException.of(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "",
            "Content-Type must be application/json; records are JSON.");
      }
    } catch (InvalidMediaTypeException e) {
      throw GatewayException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "", "The Content-Type header is not a media type.");
    }
  }

  public void requireSize(byte[] body) {
    requireSize(body, maxBodyBytes);
  }

  /** The size check of a request to this path ({@link BodyLimits}). */
  public void requireSize(byte[] body, String path) {
    requireSize(body, limits.of(path));
  }

  private static void requireSize(byte[] body, long maxBodyBytes) {
    if (body != null && body.length > maxBodyBytes) {
      throw GatewayException.of(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "",
          "The request body exceeds the limit of " + maxBodyBytes + " bytes.");
    }
  }
}
