package org.yiyang.gateway.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells the audit record of a {@code /fhir} request what HAPI made of it: the interaction, the
 * resource type and id, and, when its {@code AuthorizationInterceptor} refuses it, the rule. Runs
 * before the authorization interceptor, so a refused request is described too.
 */
@Interceptor
public class FhirAuditTags {

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -1000)
  public void describe(
      RequestDetails details, ServletRequestDetails servlet, RestOperationTypeEnum operation) {
    if (servlet == null) {
      return;
    }
    RequestAudit.of(servlet.getServletRequest())
        .ifPresent(
            audit ->
                audit.fhir(
                    operation == null ? null : operation.getCode(),
                    details.getResourceName(),
                    details.getId() == null ? null : details.getId().getIdPart()));
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean refused(HttpServletRequest servletRequest, BaseServerResponseException exception) {
    // Only the authorization interceptor's own words ("HAPI-0333: Access denied by rule: <rule
    // name>"); other messages (not found ...) may quote ids or values.
    String message = exception.getMessage();
    int at = message == null ? -1 : message.indexOf("Access denied");
    if (exception instanceof ForbiddenOperationException && at >= 0 && at <= 12) {
      RequestAudit.of(servletRequest)
          .ifPresent(audit -> audit.fhirRefusal(AuditValues.clip(message.substring(at), 300)));
    }
    return true;
  }
}
