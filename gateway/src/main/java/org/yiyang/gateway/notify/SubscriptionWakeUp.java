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
import org.yiyang.gateway.workflow.WorkflowChanges;

/**
 * Asks the FHIR server for a rest-hook Subscription on each workflow's Tasks whose notifications
 * (no payload) only wake the poller. Each is created by a fixed id, so a restart updates it instead
 * of adding one. Without it (switched off, refused, never activated) polling alone still finds
 * every change.
 */
@Component
public class SubscriptionWakeUp {

  /** The referral workflow's Subscription; each workflow has one, {@link #subscriptionId}. */
  public static final String SUBSCRIPTION_ID = subscriptionId("referral");

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
        for (WorkflowChanges feed : feeds.all()) {
          fhir.client().update().resource(subscription(feed)).execute();
        }
        requested = true;
        requestedAt = now;
        mode = "polling only: subscription requested, not active yet";
      }
      Subscription.SubscriptionStatus status = Subscription.SubscriptionStatus.ACTIVE;
      for (WorkflowChanges feed : feeds.all()) {
        Subscription stored =
            fhir.client()
                .read()
                .resource(Subscription.class)
                .withId(new IdType("Subscription", subscriptionId(feed.workflow())))
                .execute();
        if (stored.getStatus() != Subscription.SubscriptionStatus.ACTIVE) {
          status = stored.getStatus();
        }
      }
      if (status == Subscription.SubscriptionStatus.ACTIVE) {
        active = true;
        mode = "subscription";
        log.info("Workflow change detection: woken by FHIR Subscriptions, polling as fallback");
      } else if (status == Subscription.SubscriptionStatus.ERROR
          || status == Subscription.SubscriptionStatus.OFF) {
        mode = "polling only: the FHIR server set a subscription " + status.toCode();
      } else if (!now.isBefore(requestedAt.plus(ACTIVATION))) {
        mode = "polling only: the FHIR server has not activated the subscriptions";
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

  /** Whether the FHIR server has activated the Subscription (seen by {@link #ensure}). */
  boolean active() {
    return active;
  }

  /** Whether the wake-up is settled (active, or switched off): the poller stops calling. */
  boolean settled() {
    return active || settled;
  }

  private void removeLeftover() {
    for (WorkflowChanges feed : feeds.all()) {
      try {
        fhir.client()
            .delete()
            .resourceById(new IdType("Subscription", subscriptionId(feed.workflow())))
            .execute();
      } catch (RuntimeException e) {
        // None there, or the server is away: it only ever wakes a poller, which is harmless.
      }
    }
  }

  /** The fixed id of a workflow's Subscription, so a restart updates it instead of adding one. */
  public static String subscriptionId(String workflow) {
    return "yiyang-gateway-" + workflow + "-tasks";
  }

  /**
   * One Subscription per workflow, each on its Task code: the embedded server's matcher did not
   * wake the gateway for a criteria joining two codes of different systems with a comma.
   */
  private Subscription subscription(WorkflowChanges feed) {
    Subscription s = new Subscription();
    s.setId(subscriptionId(feed.workflow()));
    s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    s.setReason("Yiyang Gateway: wake up on changed " + feed.workflow() + " Tasks");
    s.setCriteria("Task?code=" + feed.taskCodeSystem() + "|" + feed.taskCode());
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
