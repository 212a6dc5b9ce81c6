package org.yiyang.gateway.security;

import java.util.List;
import java.util.Map;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/** A request refused for who sent it (401, 403, 429): the rule, and the headers it answers with. */
public final class Refusal extends GatewayException {

  private final Map<String, String> headers;

  public Refusal(ErrorCode code, String field, String message, Map<String, String> headers) {
    super(code, List.of(new GatewayException.Issue(code, field, message)));
    this.headers = Map.copyOf(headers);
  }

  @Override
  public Map<String, String> headers() {
    return headers;
  }
}
