package org.yiyang.gateway.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The route a request took, as a pattern ({@code /api/v1/residents/{facilityCode}/{residentNo}},
 * {@code /fhir/{type}/{id}}) with its variables: what an audit row names instead of the raw path,
 * which may carry identifiers. For a request refused before it reached a handler, the pattern is
 * looked up in Spring's handler mappings, or read from the shape of a {@code /fhir} path.
 */
@Component
public class AuditRoutes {

  /** A route pattern and the values of its variables. */
  public record Route(String pattern, Map<String, String> variables) {
    static Route of(String pattern) {
      return new Route(pattern, Map.of());
    }
  }

  /** Where no route matched: the raw path is never kept. */
  public static final String UNMATCHED = "(unmatched)";

  private static final Pattern FHIR_TYPE = Pattern.compile("^[A-Z][A-Za-z]{1,63}$");
  private static final Pattern OPERATION = Pattern.compile("^\\$[A-Za-z][A-Za-z-]{0,63}$");
  private static final Pattern FIXED = Pattern.compile("^/(oauth2|\\.well-known)/[a-z_-]{1,40}$");
  private static final Pattern ACTUATOR = Pattern.compile("^/actuator(/[a-z-]{1,40})?$");

  private final ObjectProvider<RequestMappingHandlerMapping> mappings;

  public AuditRoutes(
      @Qualifier("requestMappingHandlerMapping")
          ObjectProvider<RequestMappingHandlerMapping> mappings) {
    this.mappings = mappings;
  }

  /** The route of a request that has been served (or refused). */
  public Route of(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.equals("/fhir") || path.startsWith("/fhir/")) {
      return fhir(path.substring("/fhir".length()));
    }
    Route matched = handled(request);
    if (matched == null) {
      matched = looked(request);
    }
    if (matched != null) {
      return matched;
    }
    if (FIXED.matcher(path).matches() || ACTUATOR.matcher(path).matches()) {
      return Route.of(path);
    }
    return Route.of(UNMATCHED);
  }

  /** The pattern Spring MVC matched, if the request reached a handler. */
  @SuppressWarnings("unchecked")
  private static Route handled(HttpServletRequest request) {
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    if (pattern == null) {
      return null;
    }
    Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    return new Route(
        pattern.toString(),
        variables instanceof Map<?, ?> m ? Map.copyOf((Map<String, String>) m) : Map.of());
  }

  /** The pattern Spring MVC would have matched, for a request refused before it got there. */
  private Route looked(HttpServletRequest request) {
    RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
    if (mapping == null) {
      return null;
    }
    boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
    try {
      if (!parsed) {
        ServletRequestPathUtils.parseAndCache(request);
      }
      return mapping.getHandler(request) == null ? null : handled(request);
    } catch (Exception noneOrAmbiguous) {
      // No handler for this method, media type ...: the row says "unmatched".
      return null;
    } finally {
      if (!parsed) {
        ServletRequestPathUtils.clearParsedRequestPath(request);
      }
    }
  }

  /**
   * A {@code /fhir} path by its shape, as HAPI reads it: {@code /fhir/{type}/{id}/_history/{vid}},
   * {@code /fhir/{type}/$op} ... Types and operations are kept as they are when they have the shape
   * of one; ids only as variables.
   */
  static Route fhir(String rest) {
    List<String> parts = new ArrayList<>();
    for (String s : rest.split("/")) {
      if (!s.isEmpty()) {
        parts.add(s);
      }
    }
    StringBuilder pattern = new StringBuilder("/fhir");
    Map<String, String> variables = new java.util.LinkedHashMap<>();
    for (int i = 0; i < parts.size() && i < 4; i++) {
      String part = parts.get(i);
      if (part.equals("metadata") || part.equals("_history") || part.equals("_search")) {
        pattern.append('/').append(part);
      } else if (OPERATION.matcher(part).matches()) {
        pattern.append('/').append(part);
      } else if (i == 0 && FHIR_TYPE.matcher(part).matches()) {
        pattern.append("/{type}");
        variables.put("type", part);
      } else if (i == 1) {
        pattern.append("/{id}");
        variables.put("id", part);
      } else if (i == 3 && "_history".equals(parts.get(2))) {
        pattern.append("/{vid}");
        variables.put("vid", part);
      } else {
        return new Route("/fhir/**", Map.of());
      }
    }
    if (parts.size() > 4) {
      return new Route("/fhir/**", Map.of());
    }
    return new Route(pattern.toString(), variables);
  }
}
