package org.yiyang.gateway.security;

import java.util.List;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Token checks run in order, stopping at the first that fails: its rule is the one the caller is
 * told, and a check with an effect (using up a {@code jti}) runs only after every other passed.
 */
final class InOrder implements OAuth2TokenValidator<Jwt> {

  private final List<OAuth2TokenValidator<Jwt>> checks;

  InOrder(List<OAuth2TokenValidator<Jwt>> checks) {
    this.checks = List.copyOf(checks);
  }

  @SafeVarargs
  static InOrder of(OAuth2TokenValidator<Jwt>... checks) {
    return new InOrder(List.of(checks));
  }

  @Override
  public OAuth2TokenValidatorResult validate(Jwt token) {
    for (OAuth2TokenValidator<Jwt> check : checks) {
      OAuth2TokenValidatorResult result = check.validate(token);
      if (result.hasErrors()) {
        return result;
      }
    }
    return OAuth2TokenValidatorResult.success();
  }
}
