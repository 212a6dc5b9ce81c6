package org.yiyang.gateway.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling, as the access token says: the client, its role and, for a facility or hospital,
 * the USCC of the organization it acts for. The acting organization is never taken from a header or
 * a body.
 *
 * @param clientId the OAuth2 client
 * @param role what it may do
 * @param uscc the organization's unified social credit code (facility and hospital roles only)
 * @param issuer who issued its token (the gateway itself, or the configured external issuer)
 */
public record Caller(String clientId, Role role, String uscc, String issuer) {

  /** The caller of the current request or internal task, if one is authenticated. */
  public static Optional<Caller> current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
      return Optional.of(caller);
    }
    return Optional.empty();
  }

  public boolean is(Role other) {
    return role == other;
  }

  /** Whether this caller acts for the organization with this USCC. */
  public boolean actsFor(String organizationUscc) {
    return uscc != null && uscc.equals(organizationUscc);
  }

  @Override
  public String toString() {
    return "Caller[" + clientId + ", " + role.claim() + (uscc == null ? "" : ", " + uscc) + "]";
  }
}
