package org.yiyang.gateway.api;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.notify.ReferralChangePoller;
import org.yiyang.gateway.notify.SubscriptionWakeUp;
import org.yiyang.gateway.security.Access;

/**
 * The FHIR server's rest-hook callback. The notification is only a wake-up: whatever it carries is
 * ignored and the change poller reads the server itself. The call carries the bearer secret of the
 * Subscription (role notifier, ADR 0050). This class only declares paths.
 */
@RestController
public class FhirNotificationController {

  private final ReferralChangePoller poller;

  public FhirNotificationController(ReferralChangePoller poller) {
    this.poller = poller;
  }

  @RequestMapping(
      path = {SubscriptionWakeUp.CALLBACK_PATH, SubscriptionWakeUp.CALLBACK_PATH + "/**"},
      method = {RequestMethod.POST, RequestMethod.PUT})
  @PreAuthorize(Access.NOTIFIER)
  public ResponseEntity<Void> notified() {
    poller.wake();
    return ResponseEntity.ok().build();
  }
}
