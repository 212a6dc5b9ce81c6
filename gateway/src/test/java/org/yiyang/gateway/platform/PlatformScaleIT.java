package org.yiyang.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.People;
import org.yiyang.profiles.Canonical;

/**
 * Issue 26 target, at scale: residents registered while a third of them already exist on the
 * platform (written there first as a community health centre writes them: base R4, citizen ID under
 * its OID) leave exactly one Patient per citizen ID; the existing ones are linked. {@code
 * -Dregional.scale.residents=N} sets the size (300 in the build; the figures in docs/benchmarks.md
 * come from 10,000).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlatformScaleIT {

  private static final int RESIDENTS = Integer.getInteger("regional.scale.residents", 300);
  private static final int SENDERS = 4;
  private static final String[] FACILITIES = {
    "52330300MJ8712345N", "52330300MJ8754321M", "52330300MJ8799999T"
  };

  private static final Path dataDir = GatewayClient.tempDir("platform-scale-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;

  @Test
  void residentsAThirdOfWhomThePlatformHoldsLeaveOnePatientPerPerson() throws Exception {
    GatewayClient gateway = new GatewayClient(port, dataDir);
    IGenericClient platform = gateway.fhirClient();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
    try {
      // The platform holds every third person already.
      List<Future<?>> held = new ArrayList<>();
      for (int n = 0; n < RESIDENTS; n += 3) {
        ObjectNode person = People.resident(FACILITIES[0], "x", 10_000 + n);
        held.add(pool.submit(() -> platform.create().resource(platformPatient(person)).execute()));
      }
      for (Future<?> f : held) {
        f.get();
      }
      long seeded = System.nanoTime();

      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<Future<?>> sent = new ArrayList<>();
      for (int n = 0; n < RESIDENTS; n++) {
        int i = n;
        sent.add(
            pool.submit(
                () -> {
                  ObjectNode r =
                      People.resident(FACILITIES[i % FACILITIES.length], "S-" + i, 10_000 + i);
                  HttpResponse<String> answer =
                      gateway
                          .asFacility(r.path("facilityCode").asText())
                          .post("/api/v1/residents", r.toString());
                  statuses
                      .computeIfAbsent(answer.statusCode(), k -> new AtomicInteger())
                      .incrementAndGet();
                  outcomes
                      .computeIfAbsent(
                          GatewayClient.JSON.readTree(answer.body()).path("outcome").asText(),
                          k -> new AtomicInteger())
                      .incrementAndGet();
                  return null;
                }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      long registered = System.nanoTime();

      Map<String, Integer> perCitizenId = patientsPerCitizenId(platform);
      int duplicates = perCitizenId.values().stream().mapToInt(c -> c - 1).sum();
      System.out.printf(
          "scale: residents=%d heldByPlatform=%d answers=%s outcomes=%s patients=%d"
              + " duplicates=%d seedSeconds=%d registerSeconds=%d%n",
          RESIDENTS,
          held.size(),
          statuses,
          outcomes,
          perCitizenId.size(),
          duplicates,
          (seeded - start) / 1_000_000_000,
          (registered - seeded) / 1_000_000_000);
      assertThat(duplicates).isZero();
      assertThat(perCitizenId).hasSize(RESIDENTS);
      assertThat(outcomes.get("linked")).hasValue(held.size());
      assertThat(outcomes.get("created")).hasValue(RESIDENTS - held.size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** A community health centre's Patient: base R4, the citizen ID under its OID, no profile. */
  private static Patient platformPatient(ObjectNode person) {
    Patient p = new Patient();
    p.addIdentifier()
        .setSystem(Canonical.SID_CITIZEN_ID)
        .setValue(person.path("idCardNo").asText());
    p.addName().setText(person.path("name").asText());
    p.setGender(
        "1".equals(person.path("genderCode").asText())
            ? Enumerations.AdministrativeGender.MALE
            : Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new DateType(person.path("birthDate").asText()));
    return p;
  }

  /** Every Patient on the server, counted by citizen ID (under the OID or the former URI). */
  private static Map<String, Integer> patientsPerCitizenId(IGenericClient platform) {
    Map<String, Integer> found = new HashMap<>();
    Bundle page =
        platform
            .search()
            .forResource(Patient.class)
            .elementsSubset("identifier")
            .count(500)
            .returnBundle(Bundle.class)
            .execute();
    while (true) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        for (Identifier id : ((Patient) entry.getResource()).getIdentifier()) {
          if (Canonical.SID_CITIZEN_ID.equals(id.getSystem())
              || Canonical.SID_CITIZEN_ID_ALIAS.equals(id.getSystem())) {
            found.merge(id.getValue(), 1, Integer::sum);
          }
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return found;
      }
      page = platform.loadPage().next(page).execute();
    }
  }
}
