package org.yiyang.gateway.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.notify.ReferralChangePoller;
import org.yiyang.gateway.notify.SubscriptionWakeUp;

/**
 * The FHIR server's rest-hook callback. The notification is only a wake-up: whatever it carries is
 * ignored and the change poller reads the server itself, so a forged call costs one poll, nothing
 * more. This class only declares paths.
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
  public ResponseEntity<Void> notified() {
    poller.wake();
    return ResponseEntity.ok().build();
  }
}
