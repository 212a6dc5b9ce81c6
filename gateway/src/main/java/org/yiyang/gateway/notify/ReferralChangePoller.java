package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.gclient.DateClientParam;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.RunMode;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.journal.JobLocks;
import org.yiyang.gateway.logging.SafeTrace;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.gateway.notify.NotifyState.Handled;
import org.yiyang.gateway.notify.NotifyState.HandledRelated;
import org.yiyang.gateway.workflow.WorkflowChangeFeeds;
import org.yiyang.gateway.workflow.WorkflowChanges;

/**
 * The source of truth of change detection: reads referral Tasks, and the workflow's related
 * resources (the green-channel Appointment), changed on the FHIR server since each feed's cursor
 * less {@code gateway.notify.overlap}, oldest first, and turns each new version into notifications.
 * Polls on a schedule and whenever the FHIR server's Subscription wakes it; all polls of one
 * instance run on one scheduler thread, one after another, and one instance at a time (ADR 0061).
 *
 * <p>ADR 0062: a feed's cursor is the time its last complete poll started (the FHIR server's time
 * where it says it), so a change committed up to {@code overlap} after its {@code lastUpdated} is
 * still read; a version this poller cannot handle for a reason of its own is set aside (recorded,
 * counted, logged without content) and the poll goes on; a wake-up that finds the poll lock held
 * tries again until a poll that started after it has run; the Subscription's activation is followed
 * by a poll.
 */
@Component
public class ReferralChangePoller implements SmartLifecycle {

  /** FHIR's task-code system, which the referral Tasks' {@code code} ({@code fulfill}) is from. */
  static final String TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code";

  /** How soon a wake-up that found the poll lock held tries again. */
  static final Duration WAKE_RETRY = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(ReferralChangePoller.class);

  private final FhirServer fhir;
  private final NotifyState state;
  private final WorkflowChangeFeeds feeds;
  private final Notifications notifications;
  private final NotifyProperties properties;
  private final SubscriptionWakeUp wakeUp;
  private final JobLocks locks;
  private final GatewayMetrics metrics;
  private final RunMode mode;
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
      JobLocks locks,
      GatewayMetrics metrics,
      RunMode mode) {
    this.locks = locks;
    this.wakeUp = wakeUp;
    this.fhir = fhir;
    this.state = state;
    this.feeds = feeds;
    this.notifications = notifications;
    this.properties = properties;
    this.metrics = metrics;
    this.mode = mode;
    for (WorkflowChanges changes : feeds.all()) {
      for (WorkflowChanges.Related r : changes.related()) {
        Notifications.checkSendable(r.event(), r.field(), r.values().keySet());
      }
    }
    scheduler = new ThreadPoolTaskScheduler();
    scheduler.setThreadNamePrefix("referral-poll-");
    scheduler.setPoolSize(1);
  }

  /** The cursor of a related resource's feed. */
  static String cursorOf(WorkflowChanges.Related related) {
    return "related:" + related.event();
  }

  /**
   * One handled Task version: the event it gives (null: none), the status before it, and why it
   * cannot be told (null: it can).
   */
  record Step(Task version, String event, String previousStatus, String unusable) {}

  /**
   * What each new version of a Task means, oldest first: its first version is a new referral, a
   * version whose status differs from the one before is a state change, any other version (a note,
   * a business status) tells the facility nothing. A version without a status cannot be told; the
   * next one is compared with the last status known.
   */
  static List<Step> steps(
      WorkflowChanges.Events events, Optional<Handled> handled, List<Task> newerVersions) {
    List<Step> steps = new ArrayList<>();
    String previous = handled.map(Handled::status).filter(s -> !s.equals(NO_STATUS)).orElse(null);
    boolean first = handled.isEmpty() || previous == null;
    for (Task v : newerVersions) {
      if (!v.hasStatus()) {
        steps.add(new Step(v, null, previous, "Task.status missing"));
        continue;
      }
      String status = v.getStatus().toCode();
      String event;
      if (first) {
        event = events.created();
      } else if (!status.equals(previous)) {
        event = events.statusChanged();
      } else {
        event = null;
      }
      steps.add(new Step(v, event, first ? null : previous, null));
      previous = status;
      first = false;
    }
    return steps;
  }

  /** What {@code notify_task} holds for a Task set aside before any status of it was known. */
  static final String NO_STATUS = "unknown";

  /** Asks for a poll now (a Subscription notification); coalesces wake-ups already waiting. */
  public void wake() {
    wakeUp.woken();
    log.debug("Woken by the FHIR server's Subscription");
    requestPoll();
  }

  private void requestPoll() {
    if (running && wakePending.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::wokenPoll);
      } catch (RuntimeException stopping) {
        wakePending.set(false);
      }
    }
  }

  /**
   * The poll a wake-up asked for. When another instance holds the poll lock, its poll may have
   * searched before the change that woke this one, so the wake-up is kept and tried again shortly,
   * until a poll that started after it has run (here or there).
   */
  private void wokenPoll() {
    wakePending.set(false);
    if (!poll() && running && wakePending.compareAndSet(false, true)) {
      try {
        scheduler.schedule(this::wokenPoll, Instant.now().plus(WAKE_RETRY));
      } catch (RuntimeException stopping) {
        wakePending.set(false);
      }
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
   * notification single). Returns false when another instance holds the lock (this turn is its).
   */
  boolean poll() {
    if (!running) {
      return true;
    }
    if (!locks.runExclusively(JobLocks.REFERRAL_POLL, POLL_LOCK_AT_MOST, this::pollChanges)) {
      lastPollOutcome = "polled by another instance";
      return false;
    }
    // Once the lock is given back: a poll seen as ended can be followed by the next at once.
    lastPollAt = Instant.now();
    return true;
  }

  /** A feed: one search whose results are handled one version at a time. */
  private record Feed(
      String cursor, String resourceType, String param, List<Coding> codes, Handler h) {}

  @FunctionalInterface
  private interface Handler {
    /**
     * Handles a resource's versions not handled yet; returns how many. With {@code tell} false they
     * are only recorded as handled (a related feed's first poll on a gateway that already polled
     * Tasks: what was there before the feed existed is not news).
     */
    int handle(IGenericClient client, Resource latest, boolean tell);
  }

  private List<Feed> feeds() {
    List<Feed> feeds = new ArrayList<>();
    // Every workflow's Tasks (referral, consultation: each by its Task code) in one search.
    feeds.add(
        new Feed(
            NotifyState.CURSOR,
            "Task",
            "code",
            this.feeds.all().stream()
                .map(f -> new Coding(f.taskCodeSystem(), f.taskCode(), null))
                .toList(),
            (client, r, tell) -> handleTask(client, (Task) r)));
    for (WorkflowChanges changes : this.feeds.all()) {
      for (WorkflowChanges.Related related : changes.related()) {
        feeds.add(
            new Feed(
                cursorOf(related),
                related.resourceType(),
                related.searchParam(),
                List.of(new Coding(related.system(), related.code(), null)),
                (client, r, tell) -> handleRelated(changes, related, r, tell)));
      }
    }
    return feeds;
  }

  /** Reads and handles every change since the cursors; a failure leaves it for the next poll. */
  private void pollChanges() {
    long start = System.nanoTime();
    int versions = 0;
    try {
      IGenericClient client = fhir.client();
      boolean tasksPolledBefore = state.cursor(NotifyState.CURSOR).isPresent();
      for (Feed feed : feeds()) {
        versions += pollFeed(client, feed, tasksPolledBefore);
      }
      lastPollOutcome = "ok";
      if (versions > 0) {
        log.info(
            "Referral changes: {} versions handled in {} ms",
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
    }
  }

  /**
   * One feed, all pages. The search reads from the cursor less the overlap; once every page is
   * handled, the cursor moves to when this search started (never back): every version committed
   * before then has been read, and one committed later carries a {@code lastUpdated} at most {@code
   * overlap} before its commit, so the next poll reads it. A poll cut short leaves the cursor.
   */
  private int pollFeed(IGenericClient client, Feed feed, boolean tasksPolledBefore) {
    Instant started = Instant.now();
    Optional<Instant> cursor = state.cursor(feed.cursor());
    boolean tell =
        cursor.isPresent() || !tasksPolledBefore || feed.cursor().equals(NotifyState.CURSOR);
    IQuery<Bundle> query =
        client
            .search()
            .forResource(feed.resourceType())
            .where(
                new TokenClientParam(feed.param())
                    .exactly()
                    .codings(feed.codes().toArray(Coding[]::new)))
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
    Instant searchedAt = searchedAt(page, started);
    int versions = 0;
    while (true) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        if (!running) {
          return versions;
        }
        Resource r = entry.getResource();
        if (r != null && feed.resourceType().equals(r.fhirType())) {
          versions += guarded(feed, client, r, tell);
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null || !running) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    if (running) {
      state.advance(feed.cursor(), searchedAt);
    }
    return versions;
  }

  /**
   * When the search started, by the FHIR server's clock where its Bundle says when it searched
   * ({@code meta.lastUpdated}, as HAPI does), and never later than this gateway's clock just before
   * asking: the earlier of the two, so a skewed clock can only make polls read more.
   */
  static Instant searchedAt(Bundle first, Instant askedAt) {
    if (first.hasMeta() && first.getMeta().hasLastUpdated()) {
      Instant server = first.getMeta().getLastUpdated().toInstant();
      return server.isBefore(askedAt) ? server : askedAt;
    }
    return askedAt;
  }

  /**
   * Handles one resource's new versions; a version that fails for a reason of its own is set aside
   * and the poll goes on. A failure of the FHIR server, of this gateway's access to it or of the
   * journal is thrown: the poll stops and is tried again, nothing set aside.
   */
  private int guarded(Feed feed, IGenericClient client, Resource r, boolean tell) {
    try {
      return feed.h().handle(client, r, tell);
    } catch (RuntimeException e) {
      if (!setAsideable(e)) {
        throw e;
      }
      String id = r.getIdElement().getIdPart();
      long version = versionOf(r).orElse(0L);
      setAside(feed.resourceType(), id, version, reason(e));
      if (id != null && version > 0) {
        // Handled (as set aside), so that the next version is handled, not failed on again.
        if (r instanceof Task task) {
          String known = state.handled(id).map(Handled::status).orElse(NO_STATUS);
          state.markHandled(
              id,
              version,
              task.hasStatus() ? task.getStatus().toCode() : known,
              lastUpdatedOr(r, Instant.now()));
        } else {
          Optional<HandledRelated> known = state.handledRelated(feed.resourceType(), id);
          state.markRelatedHandled(
              feed.resourceType(),
              id,
              version,
              known.map(HandledRelated::status).orElse(NO_STATUS),
              known.map(HandledRelated::stateHash).orElse(""),
              lastUpdatedOr(r, Instant.now()));
        }
      }
      return 0;
    }
  }

  /**
   * Whether a failure is the resource's own (set it aside) rather than a passing one of the FHIR
   * server, of this gateway's access to it, or of the journal (stop the poll, try again later).
   */
  boolean setAsideable(Throwable e) {
    if (!running || Thread.currentThread().isInterrupted()) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FhirClientConnectionException
          || t instanceof DataAccessException
          || t instanceof IOException
          || t instanceof UncheckedIOException
          || t instanceof InterruptedException) {
        return false;
      }
      if (t instanceof BaseServerResponseException b && transientStatus(b.getStatusCode())) {
        return false;
      }
    }
    return true;
  }

  /**
   * 5xx and the statuses that mean "later" (408, 425, 429), or that the gateway's own access is
   * broken (401, 403: every resource would fail alike), and no answer at all.
   */
  static boolean transientStatus(int status) {
    return status == 0
        || status >= 500
        || status == 401
        || status == 403
        || status == 408
        || status == 425
        || status == 429;
  }

  /** Why a version is set aside, without anything of its content (HAPI messages may quote it). */
  static String reason(Throwable e) {
    if (e instanceof Unusable u) {
      return u.getMessage();
    }
    if (e instanceof BaseServerResponseException b) {
      return "the FHIR server answered HTTP " + b.getStatusCode();
    }
    return "failed: " + e.getClass().getSimpleName();
  }

  private void setAside(String resourceType, String id, long version, String reason) {
    if (id == null) {
      log.warn(
          "Referral change detection: a {} without an id set aside ({})", resourceType, reason);
      return;
    }
    if (state.skip(resourceType, id, version, reason)) {
      metrics.referralChangeSkipped(resourceType);
      log.warn(
          "Referral change detection: {}/{} version {} set aside ({}); later changes go on",
          resourceType,
          id,
          version,
          reason);
    }
  }

  /** A version that cannot be handled as it is; the message names what is missing, no content. */
  static final class Unusable extends RuntimeException {
    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Sets up the Subscription wake-up, on the polling thread, until it is settled. */
  private void ensureWakeUp() {
    if (running && !wakeUp.settled()) {
      try {
        wakeUp.ensure();
      } catch (RuntimeException e) {
        log.warn("Subscription wake-up setup failed ({})", e.getClass().getName());
      }
      if (wakeUp.active()) {
        // A change made before the server had the Subscription woke nobody: look now.
        requestPoll();
      }
    }
  }

  /** Handles the versions of a Task not handled yet; returns how many. */
  private int handleTask(IGenericClient client, Task latest) {
    Optional<WorkflowChanges> workflow = feeds.of(latest);
    if (workflow.isEmpty()) {
      return 0;
    }
    WorkflowChanges changes = workflow.get();
    String taskId = latest.getIdElement().getIdPart();
    long version =
        versionOf(latest).orElseThrow(() -> new Unusable("Task without a numeric version id"));
    Optional<Handled> handled = state.handled(taskId);
    long after = handled.map(Handled::versionId).orElse(0L);
    if (version <= after) {
      return 0;
    }
    List<Task> newer;
    if (version == after + 1) {
      newer = List.of(latest);
    } else {
      try {
        newer = history(client, taskId, after, latest);
      } catch (RuntimeException e) {
        if (!setAsideable(e)) {
          throw e;
        }
        // The versions between are lost to us; the newest is still told.
        setAside("Task", taskId, version, "versions before it not read: " + reason(e));
        newer = List.of(latest);
      }
    }
    for (Step step : steps(changes.events(), handled, newer)) {
      Task v = step.version();
      long vVersion = versionOf(v).orElse(version);
      try {
        if (step.unusable() != null) {
          throw new Unusable(step.unusable());
        }
        notify(changes, step);
      } catch (RuntimeException e) {
        if (!setAsideable(e)) {
          throw e;
        }
        setAside("Task", taskId, vVersion, reason(e));
      }
      String known = step.previousStatus() != null ? step.previousStatus() : NO_STATUS;
      state.markHandled(
          taskId,
          vVersion,
          v.hasStatus() ? v.getStatus().toCode() : known,
          lastUpdatedOr(v, Instant.now()));
    }
    // The hospital moved the Task on the FHIR server: its request follows (issue 26).
    try {
      changes.followed(latest);
    } catch (RuntimeException e) {
      if (!setAsideable(e)) {
        throw e;
      }
      log.warn(
          "{} Task {}: its request not brought in line ({})",
          changes.workflow(),
          taskId,
          e.getClass().getSimpleName());
    }
    return newer.size();
  }

  /**
   * The versions of a Task after {@code after}, oldest first: none is skipped between polls. A
   * version the history does not list (a server that lists only some) is read by its version id;
   * one the server no longer keeps is left out.
   */
  private List<Task> history(IGenericClient client, String taskId, long after, Task latest) {
    long last = versionOf(latest).orElseThrow();
    TreeMap<Long, Task> versions = new TreeMap<>();
    versions.put(last, latest);
    Bundle page =
        client
            .history()
            .onInstance(new IdType("Task", taskId))
            .returnBundle(Bundle.class)
            .count(properties.pageSize())
            .execute();
    while (true) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof Task t) {
          Optional<Long> v = versionOf(t);
          if (v.isPresent() && v.get() > after && v.get() <= last) {
            versions.putIfAbsent(v.get(), t);
          }
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    for (long v = after + 1; v < last; v++) {
      if (!versions.containsKey(v)) {
        try {
          versions.put(
              v,
              client
                  .read()
                  .resource(Task.class)
                  .withIdAndVersion(taskId, String.valueOf(v))
                  .cacheControl(FhirServer.NO_CACHE)
                  .execute());
        } catch (ca.uhn.fhir.rest.server.exceptions.ResourceGoneException
            | ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException gone) {
          // Expunged or never there (ids need not be consecutive): nothing to tell of it.
        }
      }
    }
    // Keyed by version: already oldest first.
    return new ArrayList<>(versions.values());
  }

  private void notify(WorkflowChanges changes, Step step) {
    if (step.event() == null) {
      return;
    }
    Task v = step.version();
    Instant occurredAt = lastUpdatedOr(v, null);
    if (occurredAt == null) {
      throw new Unusable("Task.meta.lastUpdated missing");
    }
    Optional<WorkflowChanges.Concerned> described;
    try {
      described = changes.describe(v);
    } catch (BaseServerResponseException e) {
      if (e.getStatusCode() == 404 || e.getStatusCode() == 410) {
        // The referral is gone (deleted, expunged): there is nobody left to tell.
        log.info(
            "{} Task {} version {}: its instance is gone (HTTP {}); no notification",
            changes.workflow(),
            v.getIdElement().getIdPart(),
            v.getIdElement().getVersionIdPart(),
            e.getStatusCode());
        return;
      }
      throw e;
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
            versionOf(v).orElseThrow(() -> new Unusable("Task without a numeric version id")),
            v.getStatus().toCode(),
            step.previousStatus(),
            occurredAt);
    for (String facility : d.facilityCodes()) {
      notifications.publish(facility, change);
    }
  }

  /**
   * A new version of a related resource (the green-channel Appointment): told when what a facility
   * is told of it (its status and times) differs from the version handled last, unless its status
   * is a quiet one; two changes between polls are told as one, as it stands.
   */
  private int handleRelated(
      WorkflowChanges changes, WorkflowChanges.Related related, Resource latest, boolean tell) {
    String type = related.resourceType();
    String id = latest.getIdElement().getIdPart();
    long version =
        versionOf(latest).orElseThrow(() -> new Unusable(type + " without a numeric version id"));
    Optional<HandledRelated> handled = state.handledRelated(type, id);
    if (handled.isPresent() && version <= handled.get().versionId()) {
      return 0;
    }
    Instant occurredAt = lastUpdatedOr(latest, null);
    if (occurredAt == null) {
      throw new Unusable(type + ".meta.lastUpdated missing");
    }
    Map<String, String> values = changes.values(related, latest);
    String status = values.get("status");
    if (status == null) {
      throw new Unusable(type + ".status missing");
    }
    String hash = hash(values);
    boolean changed = handled.isEmpty() || !handled.get().stateHash().equals(hash);
    if (tell && changed && !related.quiet().contains(status)) {
      Optional<WorkflowChanges.Concerned> described = changes.describeRelated(related, latest);
      if (described.isPresent()) {
        String previous =
            handled.map(HandledRelated::status).filter(s -> !s.equals(NO_STATUS)).orElse(null);
        Notifications.RelatedChange change =
            new Notifications.RelatedChange(
                related.event(),
                described.get().id(),
                type,
                id,
                version,
                related.field(),
                values,
                previous,
                occurredAt);
        for (String facility : described.get().facilityCodes()) {
          notifications.publish(facility, change);
        }
      }
    }
    state.markRelatedHandled(type, id, version, status, hash, occurredAt);
    return 1;
  }

  /** SHA-256 of the told values: only the hash is kept, not the values. */
  static String hash(Map<String, String> values) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(values).forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Long> versionOf(Resource r) {
    String v = r.getIdElement().getVersionIdPart();
    if (v == null && r.hasMeta()) {
      v = r.getMeta().getVersionId();
    }
    if (v == null || !v.matches("^[0-9]{1,18}$")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(v));
  }

  private static Instant lastUpdatedOr(Resource r, Instant otherwise) {
    return r.hasMeta() && r.getMeta().hasLastUpdated()
        ? r.getMeta().getLastUpdated().toInstant()
        : otherwise;
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
    if (mode.trainingRun()) {
      log.info("Training run: referral change detection does not start");
      return;
    }
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
