package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.gclient.DateClientParam;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.journal.JobLocks;
import org.yiyang.gateway.logging.SafeTrace;
import org.yiyang.gateway.notify.NotifyState.Handled;
import org.yiyang.gateway.workflow.WorkflowChangeFeeds;
import org.yiyang.gateway.workflow.WorkflowChanges;

/**
 * The source of truth of change detection: reads the Tasks of every workflow (referral,
 * consultation: each by its Task code) changed on the FHIR server since the stored cursor (less an
 * overlap), oldest first, in one search, and turns each new Task version into notifications of its
 * workflow. Polls on a schedule and whenever the FHIR server's Subscription wakes it; all polls run
 * on one scheduler thread, one after another.
 */
@Component
public class ReferralChangePoller implements SmartLifecycle {

  /** FHIR's task-code system, which the referral Tasks' {@code code} ({@code fulfill}) is from. */
  static final String TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code";

  private static final Logger log = LoggerFactory.getLogger(ReferralChangePoller.class);

  private final FhirServer fhir;
  private final NotifyState state;
  private final WorkflowChangeFeeds feeds;
  private final Notifications notifications;
  private final NotifyProperties properties;
  private final SubscriptionWakeUp wakeUp;
  private final JobLocks locks;
  private final ThreadPoolTaskScheduler scheduler;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private volatile boolean running;
  private volatile Instant lastPollAt;
  private volatile String lastPollOutcome = "not yet polled";

  public ReferralChangePoller(
      FhirServer fhir,
      NotifyState state,
      WorkflowChangeFeeds feeds,
      Notifications notifications,
      NotifyProperties properties,
      SubscriptionWakeUp wakeUp,
      JobLocks locks) {
    this.locks = locks;
    this.wakeUp = wakeUp;
    this.fhir = fhir;
    this.state = state;
    this.feeds = feeds;
    this.notifications = notifications;
    this.properties = properties;
    scheduler = new ThreadPoolTaskScheduler();
    scheduler.setThreadNamePrefix("referral-poll-");
    scheduler.setPoolSize(1);
  }

  /** One handled Task version: the event it gives (null: none) and the status before it. */
  record Step(Task version, String event, String previousStatus) {}

  /**
   * What each new version of a Task means, oldest first: its first version is a new referral, a
   * version whose status differs from the one before is a state change, any other version (a note,
   * a business status) tells the facility nothing.
   */
  static List<Step> steps(
      WorkflowChanges.Events events, Optional<Handled> handled, List<Task> newerVersions) {
    List<Step> steps = new ArrayList<>();
    String previous = handled.map(Handled::status).orElse(null);
    boolean first = handled.isEmpty();
    for (Task v : newerVersions) {
      String status = status(v);
      String event;
      if (first) {
        event = events.created();
      } else if (!status.equals(previous)) {
        event = events.statusChanged();
      } else {
        event = null;
      }
      steps.add(new Step(v, event, first ? null : previous));
      previous = status;
      first = false;
    }
    return steps;
  }

  /** Asks for a poll now (a Subscription notification); coalesces wake-ups already waiting. */
  public void wake() {
    wakeUp.woken();
    log.debug("Woken by the FHIR server's Subscription");
    if (running && wakePending.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            wakePending.set(false);
            poll();
          });
    }
  }

  /**
   * Longest the poll lock is held if its instance stops mid-poll; another then polls. Short, since
   * until then nobody polls; a poll that outlasts it may overlap the next, which the idempotency
   * keys make harmless.
   */
  private static final Duration POLL_LOCK_AT_MOST = Duration.ofMinutes(2);

  /**
   * Polls, on one instance at a time (ADR 0061): pollers on several instances would each read every
   * change from one shared cursor and race on moving it (the idempotency key still keeps each
   * notification single). An instance that finds the lock held leaves this turn to it.
   */
  void poll() {
    if (!running) {
      return;
    }
    if (!locks.runExclusively(JobLocks.REFERRAL_POLL, POLL_LOCK_AT_MOST, this::pollChanges)) {
      lastPollOutcome = "polled by another instance";
    }
  }

  /** Reads and handles every change since the cursor; a failure leaves it for the next poll. */
  private void pollChanges() {
    long start = System.nanoTime();
    int versions = 0;
    try {
      IGenericClient client = fhir.client();
      Optional<Instant> cursor = state.cursor();
      IQuery<Bundle> query =
          client
              .search()
              .forResource(Task.class)
              .where(
                  new TokenClientParam("code")
                      .exactly()
                      .codings(
                          feeds.all().stream()
                              .map(f -> new Coding(f.taskCodeSystem(), f.taskCode(), null))
                              .toArray(Coding[]::new)))
              .sort()
              .ascending("_lastUpdated")
              .count(properties.pageSize())
              .cacheControl(FhirServer.NO_CACHE)
              .returnBundle(Bundle.class);
      if (cursor.isPresent()) {
        query =
            query.and(
                new DateClientParam("_lastUpdated")
                    .afterOrEquals()
                    .millis(Date.from(cursor.get().minus(properties.overlap()))));
      }
      Bundle page = query.execute();
      while (running) {
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
          if (entry.getResource() instanceof Task task) {
            versions += handle(client, task);
            state.advance(task.getMeta().getLastUpdated().toInstant());
          }
        }
        if (page.getLink(Bundle.LINK_NEXT) == null) {
          break;
        }
        page = client.loadPage().next(page).execute();
      }
      lastPollOutcome = "ok";
      if (versions > 0) {
        log.info(
            "Workflow changes: {} Task versions handled in {} ms",
            versions,
            (System.nanoTime() - start) / 1_000_000);
      }
    } catch (FhirClientConnectionException e) {
      lastPollOutcome = "FHIR server unreachable";
      log.warn("Referral change poll: the FHIR server could not be reached; trying again later");
    } catch (RuntimeException e) {
      lastPollOutcome = "failed: " + e.getClass().getSimpleName();
      log.warn("Referral change poll failed ({}); trying again later", e.getClass().getName());
      // The stack trace only at DEBUG: HAPI's messages may quote resource content.
      log.debug("Referral change poll failure\n{}", SafeTrace.of(e));
    } finally {
      lastPollAt = Instant.now();
    }
  }

  /** Sets up the Subscription wake-up, on the polling thread, until it is settled. */
  private void ensureWakeUp() {
    if (running && !wakeUp.settled()) {
      try {
        wakeUp.ensure();
        if (wakeUp.settled() && "subscription".equals(wakeUp.mode())) {
          // Changes made while the Subscriptions were being set up woke nobody: catch up once.
          poll();
        }
      } catch (RuntimeException e) {
        log.warn("Subscription wake-up setup failed ({})", e.getClass().getName());
      }
    }
  }

  /** Handles the versions of a Task not handled yet; returns how many. */
  private int handle(IGenericClient client, Task latest) {
    Optional<WorkflowChanges> workflow = feeds.of(latest);
    if (workflow.isEmpty()) {
      return 0;
    }
    WorkflowChanges changes = workflow.get();
    String taskId = latest.getIdElement().getIdPart();
    long version = latest.getIdElement().getVersionIdPartAsLong();
    Optional<Handled> handled = state.handled(taskId);
    long after = handled.map(Handled::versionId).orElse(0L);
    if (version <= after) {
      return 0;
    }
    List<Task> newer = version == after + 1 ? List.of(latest) : history(client, taskId, after);
    for (Step step : steps(changes.events(), handled, newer)) {
      notify(changes, step);
      Task v = step.version();
      state.markHandled(
          taskId,
          v.getIdElement().getVersionIdPartAsLong(),
          status(v),
          v.getMeta().getLastUpdated().toInstant());
    }
    // The hospital moved the Task on the FHIR server: its request follows (issue 26).
    changes.followed(latest);
    return newer.size();
  }

  /** The versions of a Task after {@code after}, oldest first: none is skipped between polls. */
  private List<Task> history(IGenericClient client, String taskId, long after) {
    List<Task> versions = new ArrayList<>();
    Bundle page =
        client
            .history()
            .onInstance(new IdType("Task", taskId))
            .returnBundle(Bundle.class)
            .count(properties.pageSize())
            .execute();
    while (true) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof Task t
            && t.getIdElement().getVersionIdPartAsLong() > after) {
          versions.add(t);
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    versions.sort(Comparator.comparingLong(t -> t.getIdElement().getVersionIdPartAsLong()));
    return versions;
  }

  private void notify(WorkflowChanges changes, Step step) {
    if (step.event() == null) {
      return;
    }
    Task v = step.version();
    Optional<WorkflowChanges.Concerned> described;
    try {
      described = changes.describe(v);
    } catch (FhirClientConnectionException e) {
      throw e;
    } catch (BaseServerResponseException e) {
      if (e.getStatusCode() >= 500) {
        throw e;
      }
      // The instance cannot be read (deleted, not ours): nothing to tell; never stall the poll.
      log.warn(
          "{} Task {} version {}: not readable (HTTP {}); no notification",
          changes.workflow(),
          v.getIdElement().getIdPart(),
          v.getIdElement().getVersionIdPart(),
          e.getStatusCode());
      return;
    }
    if (described.isEmpty()) {
      return;
    }
    WorkflowChanges.Concerned d = described.get();
    Notifications.Change change =
        new Notifications.Change(
            Notifications.Instance.of(changes.descriptor()),
            step.event(),
            d.id(),
            v.getIdElement().getIdPart(),
            v.getIdElement().getVersionIdPartAsLong(),
            status(v),
            step.previousStatus(),
            v.getMeta().getLastUpdated().toInstant());
    for (String facility : d.facilityCodes()) {
      notifications.publish(facility, change);
    }
  }

  private static String status(Task task) {
    return task.hasStatus() ? task.getStatus().toCode() : "unknown";
  }

  /** When the last poll ended and how; for health, without any record data. */
  public Optional<Instant> lastPollAt() {
    return Optional.ofNullable(lastPollAt);
  }

  public String lastPollOutcome() {
    return lastPollOutcome;
  }

  @Override
  public void start() {
    if (!properties.enabled()) {
      log.info("Referral change detection is switched off (gateway.notify.enabled=false)");
      return;
    }
    scheduler.initialize();
    running = true;
    scheduler.scheduleWithFixedDelay(this::poll, properties.pollInterval());
    scheduler.scheduleWithFixedDelay(this::ensureWakeUp, Duration.ofSeconds(1));
    log.info("Referral change detection: polling every {}", properties.pollInterval());
  }

  @Override
  public void stop() {
    running = false;
    scheduler.shutdown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Starts after the web server, so the embedded FHIR server answers (DEFAULT_PHASE is the
   * maximum).
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 100;
  }
}
