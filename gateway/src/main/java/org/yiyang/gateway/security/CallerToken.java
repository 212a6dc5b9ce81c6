package org.yiyang.gateway.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated request: the {@link Caller} as principal, its role as the one authority. */
public final class CallerToken extends AbstractAuthenticationToken {

  private final Caller caller;
  private final transient Object credentials;

  public CallerToken(Caller caller, Object credentials) {
    super(List.of(new SimpleGrantedAuthority(caller.role().authority())));
    this.caller = caller;
    this.credentials = credentials;
    setAuthenticated(true);
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public Object getCredentials() {
    return credentials;
  }

  @Override
  public String getName() {
    return caller.clientId();
  }
}
