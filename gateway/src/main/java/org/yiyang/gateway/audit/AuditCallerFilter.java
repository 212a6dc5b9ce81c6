package org.yiyang.gateway.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.ClientRegistry;

/**
 * Tells the request's audit record who is calling, from inside each security filter chain, right
 * after authentication: the security context is cleared before {@link AuditFilter} writes the
 * record, and a caller refused by its role (403) is still someone.
 */
public final class AuditCallerFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    RequestAudit.of(request)
        .ifPresent(
            audit -> {
              Authentication authentication =
                  SecurityContextHolder.getContext().getAuthentication();
              if (authentication != null && authentication.getPrincipal() instanceof Caller c) {
                audit.caller(c);
              } else if (authentication instanceof OAuth2ClientAuthenticationToken client
                  && client.getRegisteredClient() != null) {
                ClientRegistry.caller(client.getRegisteredClient()).ifPresent(audit::caller);
              }
            });
    chain.doFilter(request, response);
  }
}
