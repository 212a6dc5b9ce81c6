package org.yiyang.gateway.workflow;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;

/**
 * A workflow's request follows its Task (issue 26), for every request/Task workflow (referral,
 * consultation): the Task carries the state (ADR 0040, ADR 0059), and a platform that reads only
 * the request must not see a completed or cancelled one as {@code active}. Completed → {@code
 * completed}; rejected, cancelled or failed → {@code revoked}; entered-in-error → {@code
 * entered-in-error}; any other state → {@code active}. Called after the facility's actions, for
 * each Task change the poller handles (the hospital's), and after a resent up-referral rewrote the
 * request.
 */
@Component
public class RequestStatus {

  private static final Logger log = LoggerFactory.getLogger(RequestStatus.class);

  private final FhirServer fhir;

  public RequestStatus(FhirServer fhir) {
    this.fhir = fhir;
  }

  /** The request status a Task status implies; empty for a Task not yet started (draft). */
  public static Optional<ServiceRequestStatus> implied(TaskStatus task) {
    if (task == null) {
      return Optional.empty();
    }
    return switch (task) {
      case COMPLETED -> Optional.of(ServiceRequestStatus.COMPLETED);
      case REJECTED, CANCELLED, FAILED -> Optional.of(ServiceRequestStatus.REVOKED);
      case ENTEREDINERROR -> Optional.of(ServiceRequestStatus.ENTEREDINERROR);
      case DRAFT, NULL -> Optional.empty();
      default -> Optional.of(ServiceRequestStatus.ACTIVE);
    };
  }

  /**
   * Brings the Task's focus (a local ServiceRequest) to the status the Task implies, with {@code
   * If-Match}. The request is read before the Task's current version, so a follower that saw an
   * older Task cannot overwrite a newer decision: its If-Match fails, and it reads both again.
   * Failures are logged, not thrown: the Task is the state, and its next change or the next poll
   * tries again.
   */
  public void follow(Task task) {
    if (!task.getFocus().hasReference() || !task.getIdElement().hasIdPart()) {
      return;
    }
    IdType focus = new IdType(task.getFocus().getReference());
    if (!"ServiceRequest".equals(focus.getResourceType()) || focus.isAbsolute()) {
      return;
    }
    String taskId = task.getIdElement().getIdPart();
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        ServiceRequest request =
            fhir.client()
                .read()
                .resource(ServiceRequest.class)
                .withId(focus.getIdPart())
                .cacheControl(FhirServer.NO_CACHE)
                .execute();
        Task current =
            fhir.client()
                .read()
                .resource(Task.class)
                .withId(taskId)
                .cacheControl(FhirServer.NO_CACHE)
                .execute();
        Optional<ServiceRequestStatus> target = implied(current.getStatus());
        if (target.isEmpty() || request.getStatus() == target.get()) {
          return;
        }
        String version = request.getIdElement().getVersionIdPart();
        request.setStatus(target.get());
        request.setId(request.getIdElement().toUnqualifiedVersionless());
        fhir.client()
            .update()
            .resource(request)
            .withAdditionalHeader("If-Match", "W/\"" + version + "\"")
            .execute();
        return;
      } catch (PreconditionFailedException | ResourceVersionConflictException raced) {
        // Changed since read: read both again.
      } catch (BaseServerResponseException e) {
        log.warn(
            "ServiceRequest/{} status not brought in line with its Task (HTTP {})",
            focus.getIdPart(),
            e.getStatusCode());
        return;
      }
    }
  }

  /** After a request was rewritten (a resend): in line with its Task again. */
  public void followTasksOf(String serviceRequestId) {
    try {
      Bundle tasks =
          fhir.client()
              .search()
              .forResource(Task.class)
              .where(Task.FOCUS.hasId("ServiceRequest/" + serviceRequestId))
              .returnBundle(Bundle.class)
              .cacheControl(FhirServer.NO_CACHE)
              .execute();
      tasks.getEntry().stream()
          .map(Bundle.BundleEntryComponent::getResource)
          .filter(Task.class::isInstance)
          .map(Task.class::cast)
          .findFirst()
          .ifPresent(this::follow);
    } catch (BaseServerResponseException e) {
      log.warn("Request status not checked after a resend (HTTP {})", e.getStatusCode());
    }
  }
}
