package org.yiyang.gateway.security;

import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Deny by default: a handler that declares no access rule ({@code @PreAuthorize}, or {@code
 * PermitAll} for the error page) is refused before it runs, whoever calls it.
 */
@Component
public class AccessRules implements HandlerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(AccessRules.class);

  /**
   * Whether a handler declares who may call it. springdoc's handlers (the OpenAPI document and its
   * page) cannot carry an annotation of ours; they are open by {@link SecurityConfig#OPEN_GET},
   * read-only, and serve nothing but the API's description.
   */
  public static boolean declared(HandlerMethod handler) {
    return AnnotatedElementUtils.hasAnnotation(handler.getMethod(), PreAuthorize.class)
        || AnnotatedElementUtils.hasAnnotation(handler.getMethod(), PermitAll.class)
        || handler.getBeanType().getName().startsWith("org.springdoc.");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (handler instanceof HandlerMethod method && !declared(method)) {
      log.error(
          "Refused a call to {}.{}: it declares no access rule",
          method.getBeanType().getSimpleName(),
          method.getMethod().getName());
      throw new AccessDeniedException("no access rule");
    }
    return true;
  }
}
