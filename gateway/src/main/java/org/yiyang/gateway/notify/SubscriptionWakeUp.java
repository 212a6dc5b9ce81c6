package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.workflow.WorkflowChangeFeeds;

/**
 * Asks the FHIR server for a rest-hook Subscription on the workflows' Tasks whose notifications (no
 * payload) only wake the poller. Created by a fixed id, so a restart updates it instead of adding
 * one. Without it (switched off, refused, never activated) polling alone still finds every change.
 */
@Component
public class SubscriptionWakeUp {

  public static final String SUBSCRIPTION_ID = "yiyang-gateway-referral-tasks";
  public static final String CALLBACK_PATH = "/api/v1/fhir/notifications";

  /** The caller the wake-up call authenticates as (role notifier, ADR 0050). */
  public static final String CALLER_ID = "fhir-subscription";

  private static final Logger log = LoggerFactory.getLogger(SubscriptionWakeUp.class);
  private static final Duration RETRY = Duration.ofMinutes(1);
  private static final Duration ACTIVATION = Duration.ofMinutes(2);

  private final FhirServer fhir;
  private final NotifyProperties properties;
  private final Environment environment;
  private final Keyring keyring;
  private final WorkflowChangeFeeds feeds;
  private volatile boolean requested;
  private volatile boolean active;
  private volatile boolean settled;
  private volatile Instant requestedAt = Instant.EPOCH;
  private volatile String mode = "polling only: subscription not requested yet";
  private volatile Instant lastTry = Instant.EPOCH;
  private volatile Instant lastWakeUp;

  public SubscriptionWakeUp(
      FhirServer fhir,
      NotifyProperties properties,
      Environment environment,
      Keyring keyring,
      WorkflowChangeFeeds feeds) {
    this.fhir = fhir;
    this.feeds = feeds;
    this.properties = properties;
    this.environment = environment;
    this.keyring = keyring;
    if (!properties.subscription()) {
      mode = "polling only: subscription switched off (gateway.notify.subscription=false)";
    }
  }

  /**
   * Called on the poller's thread every second until settled: requests the Subscription, then
   * watches until the server activates it. Switched off, it removes one left from earlier runs.
   */
  void ensure() {
    if (active || settled) {
      return;
    }
    Instant now = Instant.now();
    if (!properties.subscription()) {
      settled = true;
      removeLeftover();
      return;
    }
    if (!fhir.embedded()
        && (properties.callbackBaseUrl() == null || properties.callbackBaseUrl().isBlank())) {
      // An external server cannot call 127.0.0.1 back; without a public callback URL, poll only.
      settled = true;
      mode = "polling only: set gateway.notify.callback-base-url for an external FHIR server";
      log.info("Referral change detection: {}", mode);
      return;
    }
    boolean watching = requested && now.isBefore(requestedAt.plus(ACTIVATION));
    if (!watching && now.isBefore(lastTry.plus(RETRY))) {
      return;
    }
    lastTry = now;
    try {
      if (!requested) {
        fhir.client().update().resource(subscription()).execute();
        requested = true;
        requestedAt = now;
        mode = "polling only: subscription requested, not active yet";
      }
      Subscription stored =
          fhir.client()
              .read()
              .resource(Subscription.class)
              .withId(new IdType("Subscription", SUBSCRIPTION_ID))
              .execute();
      if (stored.getStatus() == Subscription.SubscriptionStatus.ACTIVE) {
        active = true;
        mode = "subscription";
        log.info("Referral change detection: woken by a FHIR Subscription, polling as fallback");
      } else if (stored.getStatus() == Subscription.SubscriptionStatus.ERROR
          || stored.getStatus() == Subscription.SubscriptionStatus.OFF) {
        mode = "polling only: the FHIR server set the subscription " + stored.getStatus().toCode();
      } else if (!now.isBefore(requestedAt.plus(ACTIVATION))) {
        mode = "polling only: the FHIR server has not activated the subscription";
      }
    } catch (FhirClientConnectionException e) {
      mode = "polling only: FHIR server unreachable when requesting the subscription";
    } catch (BaseServerResponseException e) {
      requested = false;
      mode =
          "polling only: the FHIR server refused the subscription (HTTP " + e.getStatusCode() + ")";
      log.info("Referral change detection: {}", mode);
    }
  }

  /** Whether the wake-up is settled (active, or switched off): the poller stops calling. */
  boolean settled() {
    return active || settled;
  }

  private void removeLeftover() {
    try {
      fhir.client().delete().resourceById(new IdType("Subscription", SUBSCRIPTION_ID)).execute();
    } catch (RuntimeException e) {
      // None there, or the server is away: it only ever wakes a poller, which is harmless.
    }
  }

  private Subscription subscription() {
    Subscription s = new Subscription();
    s.setId(SUBSCRIPTION_ID);
    s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    s.setReason("Yiyang Gateway: wake up on changed workflow Tasks (referral, consultation)");
    s.setCriteria(
        "Task?code="
            + String.join(
                ",",
                feeds.all().stream().map(f -> f.taskCodeSystem() + "|" + f.taskCode()).toList()));
    Subscription.SubscriptionChannelComponent channel = s.getChannel();
    channel.setType(Subscription.SubscriptionChannelType.RESTHOOK);
    channel.setEndpoint(callbackBase() + CALLBACK_PATH);
    // The callback is authenticated like every endpoint: the server sends this bearer secret,
    // derived from the keyring, so every instance of the gateway accepts it.
    channel.addHeader("Authorization: Bearer " + keyring.callbackSecret());
    // No payload: the notification carries no resource, so no personal data travels with it.
    return s;
  }

  private String callbackBase() {
    String base = properties.callbackBaseUrl();
    if (base != null && !base.isBlank()) {
      return base.replaceAll("/+$", "");
    }
    return "http://127.0.0.1:" + environment.getProperty("local.server.port");
  }

  /** A notification arrived from the FHIR server. */
  void woken() {
    lastWakeUp = Instant.now();
  }

  public String mode() {
    return mode;
  }

  public Instant lastWakeUp() {
    return lastWakeUp;
  }
}
