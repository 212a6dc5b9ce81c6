package org.yiyang.gateway.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.config.RunMode;
import org.yiyang.gateway.fhir.FhirCredentials;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.journal.JobLocks;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.workflow.WorkflowChangeFeed;
import org.yiyang.gateway.workflow.WorkflowChangeFeeds;
import org.yiyang.gateway.workflow.WorkflowChanges;
import org.yiyang.gateway.workflow.WorkflowDescriptor;
import org.yiyang.gateway.workflow.Workflows;

/**
 * The change poller against a FHIR server whose answers the test scripts (WireMock), with the real
 * notification state and job locks on an H2 journal: what it does with a Task it cannot handle (set
 * aside, the poll goes on) and with a passing failure (the poll stops, nothing set aside), where
 * its cursor goes (ADR 0062), how a wake-up behaves when another instance polls and when the
 * Subscription comes up late, and how the green-channel Appointment is told.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReferralChangePollerTest {

  static final String FACILITY = "52330300MJ8712345N";

  /** What a mapping failure's message may quote: a name and an ID number. Never in any output. */
  static final String PERSONAL = "王芳 110101199003070011";

  static final ScriptedFhirServer SERVER = new ScriptedFhirServer();

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance()
          .options(
              wireMockConfig()
                  .usingFilesUnderDirectory("target/wiremock-no-stub-files")
                  .dynamicPort()
                  .extensions(SERVER))
          .build();

  static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

  @TempDir Path dir;

  private HikariDataSource dataSource;
  private JdbcTemplate jdbc;
  private NotifyState state;
  private final Changes changes = new Changes();
  private final Told told = new Told();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ReferralChangePoller poller;
  private SubscriptionWakeUp wakeUp;
  private NotifyProperties properties;

  @BeforeEach
  void journalAndServer() {
    SERVER.reset(T0);
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
    dataSource.setUsername("sa");
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
    jdbc = new JdbcTemplate(dataSource);
    state = new NotifyState(jdbc);
    for (String type : List.of("Task", "Appointment")) {
      fhirServer.stubFor(
          get(urlPathEqualTo("/fhir/" + type))
              .willReturn(aResponse().withTransformers(ScriptedFhirServer.NAME)));
    }
  }

  @AfterEach
  void stop() {
    if (poller != null) {
      poller.stop();
    }
    dataSource.close();
  }

  // --- 1. A Task that cannot be handled is set aside; the others are still told. -------------

  @Test
  void aTaskThatCannotBeHandledIsSetAsideAndEveryOtherChangeIsStillTold(CapturedOutput output) {
    SERVER.commit(task("t-mapping", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(9)));
    changes.failing.put("t-mapping", () -> new IllegalStateException("no facility: " + PERSONAL));
    SERVER.commit(task("t-no-status", 1, null, T0.minusSeconds(8)));
    SERVER.commit(task("t-no-time", 1, Task.TaskStatus.REQUESTED, null));
    SERVER.commit(task("t-history", 3, Task.TaskStatus.ACCEPTED, T0.minusSeconds(7)));
    // A server without instance history answers 405: the versions between are lost to us.
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Task/t-history/_history"))
            .willReturn(
                aResponse()
                    .withStatus(405)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(outcome(PERSONAL))));
    SERVER.commit(task("t-refused", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(6)));
    changes.failing.put("t-refused", () -> new InvalidRequestException("bad: " + PERSONAL));
    SERVER.commit(task("t-good", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(5)));

    start(false);

    assertThat(told.taskIds()).containsExactly("t-history", "t-good");
    assertThat(told.changes.get(0).status()).isEqualTo("accepted");
    assertThat(skipped())
        .containsExactlyInAnyOrder(
            "Task/t-mapping v1: failed: IllegalStateException",
            "Task/t-no-status v1: Task.status missing",
            "Task/t-no-time v1: Task.meta.lastUpdated missing",
            "Task/t-history v3: versions before it not read: the FHIR server answered HTTP 405",
            "Task/t-refused v1: the FHIR server answered HTTP 400");
    assertThat(poller.lastPollOutcome()).isEqualTo("ok");
    assertThat(state.cursor()).hasValue(T0);
    assertThat(
            meters.get(GatewayMetrics.REFERRAL_SKIPPED).tag("resource", "Task").counter().count())
        .isEqualTo(5);

    // Health says so, UP, with what was set aside and why, never the content.
    Health health = new NotifyHealth(poller, wakeUp, state, properties).health();
    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails()).containsEntry("skipped", 5L);
    assertThat(health.getDetails().get("recentlySkipped").toString())
        .contains("Task/t-mapping", "IllegalStateException")
        .doesNotContain("王芳", "110101199003070011");
    assertThat(output.getAll()).contains("Task/t-mapping version 1 set aside");
    assertThat(output.getAll()).doesNotContain("王芳").doesNotContain("110101199003070011");

    // A later version of a Task set aside is handled as usual, compared with the one set aside.
    changes.failing.clear();
    SERVER.setNow(T0.plusSeconds(5));
    SERVER.commit(task("t-mapping", 2, Task.TaskStatus.ACCEPTED, T0.plusSeconds(1)));
    poller.poll();
    assertThat(told.changes.get(2).taskId()).isEqualTo("t-mapping");
    assertThat(told.changes.get(2).event()).isEqualTo(Notifications.STATUS_CHANGED);
    assertThat(told.changes.get(2).previousStatus()).isEqualTo("requested");
    // Nothing set aside is set aside twice, however often it is read again.
    poller.poll();
    assertThat(state.skippedCount()).isEqualTo(5);
  }

  // --- ... but a passing failure stops the poll and sets nothing aside. ---------------------

  @Test
  void aPassingFailureStopsThePollSetsNothingAsideAndIsTriedAgain() {
    SERVER.commit(task("t-flaky", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(3)));
    SERVER.commit(task("t-after", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(2)));
    changes.failing.put("t-flaky", () -> new InternalErrorException("HTTP 500"));

    start(false);

    assertThat(poller.lastPollOutcome()).isEqualTo("failed: InternalErrorException");
    assertThat(told.changes).isEmpty();
    assertThat(state.handled("t-flaky")).isEmpty();
    assertThat(state.cursor()).isEmpty();

    // The gateway's own access refused (401): every Task would fail alike, none is set aside.
    changes.failing.put("t-flaky", () -> new AuthenticationException("HTTP 401"));
    poller.poll();
    assertThat(poller.lastPollOutcome()).isEqualTo("failed: AuthenticationException");

    // The FHIR server away: nothing read, nothing set aside.
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Task"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    poller.poll();
    assertThat(poller.lastPollOutcome()).isEqualTo("FHIR server unreachable");
    assertThat(state.skippedCount()).isZero();

    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Task"))
            .willReturn(aResponse().withTransformers(ScriptedFhirServer.NAME)));
    changes.failing.clear();
    poller.poll();
    assertThat(poller.lastPollOutcome()).isEqualTo("ok");
    assertThat(told.taskIds()).containsExactly("t-flaky", "t-after");
    assertThat(state.skippedCount()).isZero();
  }

  // --- 2. The cursor never goes past the time its poll started. ------------------------------

  @Test
  void aChangeCommittedAfterAPollWithAnEarlierTimestampThanTheNewestSeenIsRead() {
    // Poll 1 at the server's T0 reads A and F; F carries a lastUpdated 5 minutes ahead (written
    // by a server node whose clock is ahead, or read from a page fetched later).
    SERVER.commit(task("t-a", 1, Task.TaskStatus.REQUESTED, T0.minusSeconds(1)));
    SERVER.commit(task("t-f", 1, Task.TaskStatus.REQUESTED, T0.plus(Duration.ofMinutes(5))));
    start(false);
    assertThat(told.taskIds()).containsExactly("t-a", "t-f");
    assertThat(state.cursor()).hasValue(T0);

    // C's transaction took its timestamp at T0 + 2 s and committed after poll 1 had searched.
    SERVER.setNow(T0.plusSeconds(6));
    Instant c = T0.plusSeconds(2);
    SERVER.commit(task("t-c", 1, Task.TaskStatus.REQUESTED, c));
    poller.poll();

    assertThat(SERVER.searchedFrom().get(1)).isBeforeOrEqualTo(c);
    assertThat(told.taskIds()).containsExactly("t-a", "t-f", "t-c");
    assertThat(state.cursor()).hasValue(T0.plusSeconds(6));
  }

  // --- 5. A wake-up while another instance polls is not lost. --------------------------------

  @Test
  void aWakeUpThatFindsThePollLockHeldRunsOnceTheLockIsFree() {
    start(false);
    // Another instance polls now (it holds the lock); its search may be before the change.
    Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
    assertThat(
            jdbc.update(
                "UPDATE shedlock SET lock_until = ?, locked_by = 'other-instance' WHERE name = ?",
                Timestamp.from(tomorrow),
                JobLocks.REFERRAL_POLL))
        .isEqualTo(1);
    SERVER.setNow(T0.plusSeconds(10));
    SERVER.commit(task("t-woken", 1, Task.TaskStatus.REQUESTED, T0.plusSeconds(9)));

    poller.wake();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> poller.lastPollOutcome().equals("polled by another instance"));
    assertThat(told.changes).isEmpty();

    // The other instance is done: this instance's wake-up still polls, without a scheduled poll.
    jdbc.update(
        "UPDATE shedlock SET lock_until = ? WHERE name = ?",
        Timestamp.from(Instant.now().minusSeconds(60)),
        JobLocks.REFERRAL_POLL);
    await().atMost(Duration.ofSeconds(10)).until(() -> told.taskIds().contains("t-woken"));
  }

  // --- 5. The flaky test's cause: a change made before the Subscription was active. ----------

  @Test
  void aChangeMadeBeforeTheSubscriptionIsActiveIsReadWhenItBecomesActive() {
    String subscription = "/fhir/Subscription/" + SubscriptionWakeUp.SUBSCRIPTION_ID;
    fhirServer.stubFor(put(urlPathEqualTo(subscription)).willReturn(subscription("requested")));
    fhirServer.stubFor(get(urlPathEqualTo(subscription)).willReturn(subscription("requested")));
    start(true);
    // The server has the Subscription but has not activated it (HAPI: until its scheduled job
    // runs, seconds after start): a change now wakes nobody.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> fhirServer.verify(getRequestedFor(urlPathEqualTo(subscription))));
    SERVER.setNow(T0.plusSeconds(10));
    SERVER.commit(task("t-early", 1, Task.TaskStatus.REQUESTED, T0.plusSeconds(9)));
    assertThat(told.changes).isEmpty();

    fhirServer.stubFor(get(urlPathEqualTo(subscription)).willReturn(subscription("active")));
    await().atMost(Duration.ofSeconds(10)).until(() -> told.taskIds().contains("t-early"));
    assertThat(wakeUp.mode()).isEqualTo("subscription");
  }

  // --- 3. The green-channel Appointment. -----------------------------------------------------

  static final WorkflowChanges.Related GREEN_CHANNEL =
      new WorkflowChanges.Related(
          "Appointment",
          "service-category",
          "https://fhir.yiyang.org/CodeSystem/agreement-service",
          "green-channel",
          "basedOn",
          Notifications.GREEN_CHANNEL_CHANGED,
          "greenChannel",
          Map.of("status", "status", "start", "start", "end", "end"),
          Set.of("proposed"));

  @Test
  void eachChangeOfTheGreenChannelBookingIsToldOnceAndTheFacilitysOwnProposalIsNot() {
    changes.related.add(GREEN_CHANNEL);
    SERVER.commit(appointment(1, "proposed", null, T0.minusSeconds(5)));
    start(false);
    assertThat(told.related).isEmpty();

    SERVER.setNow(T0.plusSeconds(10));
    SERVER.commit(appointment(2, "booked", "2026-06-03T11:30:00+08:00", T0.plusSeconds(5)));
    poller.poll();
    poller.poll();
    assertThat(told.related).hasSize(1);
    Notifications.RelatedChange booked = told.related.get(0);
    assertThat(booked.event()).isEqualTo(Notifications.GREEN_CHANNEL_CHANGED);
    assertThat(booked.referralId()).isEqualTo("sr-1");
    assertThat(booked.values())
        .containsEntry("status", "booked")
        .containsEntry("start", "2026-06-03T11:30:00+08:00")
        .containsEntry("end", "2026-06-03T12:00:00+08:00");
    assertThat(booked.previousStatus()).isEqualTo("proposed");

    // A version that changes nothing told (a comment) tells nothing; a new time is told.
    SERVER.setNow(T0.plusSeconds(20));
    Appointment comment = appointment(3, "booked", "2026-06-03T11:30:00+08:00", T0.plusSeconds(15));
    comment.setComment("请走东门");
    SERVER.commit(comment);
    poller.poll();
    assertThat(told.related).hasSize(1);
    SERVER.setNow(T0.plusSeconds(30));
    SERVER.commit(appointment(4, "booked", "2026-06-03T14:00:00+08:00", T0.plusSeconds(25)));
    poller.poll();
    assertThat(told.related).hasSize(2);
    assertThat(told.related.get(1).values()).containsEntry("start", "2026-06-03T14:00:00+08:00");
    assertThat(told.related.get(1).previousStatus()).isEqualTo("booked");

    // The envelope as a facility gets it: thin, the booking under greenChannel.
    var sent =
        Notifications.thin(
            Notifications.envelope("e1", FACILITY, told.related.get(1)).put("secret", "x"),
            List.of(Notifications.Instance.REFERRAL));
    assertThat(sent.path("event").asText()).isEqualTo("referral.green-channel-changed");
    assertThat(sent.path("greenChannel").path("status").asText()).isEqualTo("booked");
    assertThat(sent.path("greenChannel").path("previousStatus").asText()).isEqualTo("booked");
    assertThat(sent.has("secret")).isFalse();
  }

  @Test
  void onAGatewayThatAlreadyPolledTasksTheGreenChannelFeedStartsWithoutTellingThePast() {
    state.advance(T0.minus(Duration.ofDays(30)));
    changes.related.add(GREEN_CHANNEL);
    SERVER.commit(appointment(2, "booked", "2026-05-03T11:30:00+08:00", T0.minusSeconds(60)));
    start(false);
    assertThat(told.related).isEmpty();
    assertThat(state.handledRelated("Appointment", "ap-1")).isPresent();

    SERVER.setNow(T0.plusSeconds(10));
    SERVER.commit(appointment(3, "cancelled", null, T0.plusSeconds(5)));
    poller.poll();
    assertThat(told.related).extracting(c -> c.values().get("status")).containsExactly("cancelled");
  }

  // --- the pieces ---------------------------------------------------------------------------

  private void start(boolean subscription) {
    properties =
        new NotifyProperties(
            true,
            Duration.ofHours(1),
            Duration.ofSeconds(10),
            100,
            subscription,
            "http://127.0.0.1:9",
            Duration.ofSeconds(5),
            List.of(),
            false,
            List.of(),
            WebhookSignature.Algorithm.HMAC_SHA256);
    GatewayProperties gateway =
        new GatewayProperties(
            dir.resolve("data"),
            new GatewayProperties.Fhir(
                fhirServer.baseUrl() + "/fhir",
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                new GatewayProperties.Auth("", "", "system/*.*")),
            new GatewayProperties.Api(DataSize.ofMegabytes(1)),
            new GatewayProperties.Journal("", "", "", 2, 10_000, Duration.ofSeconds(30)),
            null,
            null);
    FhirServer fhir =
        new FhirServer(
            gateway,
            new StandardEnvironment(),
            new FhirCredentials() {
              @Override
              public Optional<String> bearerToken() {
                return Optional.empty();
              }

              @Override
              public void refresh() {}
            });
    wakeUp =
        new SubscriptionWakeUp(
            fhir,
            properties,
            new StandardEnvironment(),
            Keyring.loadOrCreate(dir.resolve("keyring.json")),
            WorkflowChangeFeeds.of(List.of(changes)));
    poller =
        new ReferralChangePoller(
            fhir,
            state,
            WorkflowChangeFeeds.of(List.of(changes)),
            told,
            properties,
            wakeUp,
            new JobLocks(jdbc, gateway),
            new GatewayMetrics(meters, null),
            RunMode.serving());
    poller.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> poller.lastPollAt().isPresent());
  }

  private List<String> skipped() {
    return state.recentlySkipped(100).stream()
        .map(
            s -> s.resourceType() + "/" + s.resourceId() + " v" + s.versionId() + ": " + s.reason())
        .toList();
  }

  static Task task(String id, long version, Task.TaskStatus status, Instant lastUpdated) {
    Task t = new Task();
    t.setId(new IdType("Task", id, String.valueOf(version)));
    t.getMeta().setVersionId(String.valueOf(version));
    if (lastUpdated != null) {
      t.getMeta().setLastUpdated(Date.from(lastUpdated));
    }
    if (status != null) {
      t.setStatus(status);
    }
    t.setIntent(Task.TaskIntent.ORDER);
    t.setCode(
        new CodeableConcept(new Coding(ReferralChangePoller.TASK_CODE_SYSTEM, "fulfill", null)));
    t.setFocus(new Reference("ServiceRequest/sr-" + id));
    return t;
  }

  static Appointment appointment(long version, String status, String start, Instant lastUpdated) {
    Appointment a = new Appointment();
    a.setId(new IdType("Appointment", "ap-1", String.valueOf(version)));
    a.getMeta().setVersionId(String.valueOf(version));
    a.getMeta().setLastUpdated(Date.from(lastUpdated));
    a.setStatus(Appointment.AppointmentStatus.fromCode(status));
    if (start != null) {
      a.getStartElement().setValueAsString(start);
      a.getEndElement().setValueAsString(start.replace("11:30", "12:00").replace("14:00", "14:30"));
    }
    a.addServiceCategory()
        .addCoding()
        .setSystem("https://fhir.yiyang.org/CodeSystem/agreement-service")
        .setCode("green-channel");
    a.addBasedOn(new Reference("ServiceRequest/sr-1"));
    return a;
  }

  private static String outcome(String text) {
    return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
        + "\"code\":\"not-supported\",\"diagnostics\":\""
        + text
        + "\"}]}";
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder subscription(
      String status) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(
            "{\"resourceType\":\"Subscription\",\"id\":\""
                + SubscriptionWakeUp.SUBSCRIPTION_ID
                + "\",\"meta\":{\"versionId\":\"1\"},\"status\":\""
                + status
                + "\",\"reason\":\"wake up\",\"criteria\":\"Task?code=x\","
                + "\"channel\":{\"type\":\"rest-hook\"}}");
  }

  static final WorkflowDescriptor REFERRAL = Workflows.shipped(Workflows.REFERRAL);

  /** The referral workflow as the poller sees it; a Task's describe can be made to fail. */
  static final class Changes implements WorkflowChanges {

    final Map<String, Supplier<RuntimeException>> failing = new ConcurrentHashMap<>();
    final List<Related> related = new CopyOnWriteArrayList<>();

    @Override
    public WorkflowDescriptor descriptor() {
      return REFERRAL;
    }

    @Override
    public String workflow() {
      return "referral";
    }

    @Override
    public String taskCodeSystem() {
      return ReferralChangePoller.TASK_CODE_SYSTEM;
    }

    @Override
    public String taskCode() {
      return "fulfill";
    }

    @Override
    public Events events() {
      return new Events(Notifications.CREATED, Notifications.STATUS_CHANGED);
    }

    @Override
    public List<Related> related() {
      return related;
    }

    @Override
    public Optional<Concerned> describe(Task task) {
      Supplier<RuntimeException> failure = failing.get(task.getIdElement().getIdPart());
      if (failure != null) {
        throw failure.get();
      }
      return Optional.of(
          new Concerned(task.getFocus().getReferenceElement().getIdPart(), List.of(FACILITY)));
    }

    @Override
    public Optional<Concerned> describeRelated(Related related, Resource version) {
      String request =
          ((Appointment) version).getBasedOnFirstRep().getReferenceElement().getIdPart();
      return Optional.of(new Concerned(request, List.of(FACILITY)));
    }

    @Override
    public Map<String, String> values(Related related, Resource version) {
      return WorkflowChangeFeed.told(related, version);
    }

    @Override
    public void followed(Task task) {}
  }

  /** The notifications journaled, in order (the journal itself is not what is tested here). */
  static final class Told extends Notifications {

    final List<Change> changes = new CopyOnWriteArrayList<>();
    final List<RelatedChange> related = new CopyOnWriteArrayList<>();

    Told() {
      super(null, null, null);
    }

    @Override
    public boolean publish(String facilityCode, Change change) {
      changes.add(change);
      return true;
    }

    @Override
    public boolean publish(String facilityCode, RelatedChange change) {
      related.add(change);
      return true;
    }

    List<String> taskIds() {
      return new ArrayList<>(changes.stream().map(Change::taskId).toList());
    }
  }
}
