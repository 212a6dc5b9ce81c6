package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * What auditing adds to a request, in a running gateway (ADR 0055): a closed loop of cheap
 * authenticated reads, and the time each response waited for its audit append (the {@code
 * gateway.audit.append} timer). It prints, it asserts nothing about time. Run on purpose only:
 * {@code ./mvnw -B -o -pl gateway -am verify -Dit.test=AuditCostExperimentIT
 * -Daudit.experiment=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditCostExperimentIT {

  static Path dataDir = GatewayClient.tempDir("audit-cost-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;

  @Test
  void whatAuditingAddsToARequest() throws Exception {
    assumeTrue(Boolean.getBoolean("audit.experiment"), "-Daudit.experiment=true to run");
    int requests = Integer.getInteger("audit.requests", 3000);
    GatewayClient facility = new GatewayClient(port, dataDir);
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int threads : new int[] {1, 4}) {
        Timer timer = meters.get("gateway.audit.append").timer();
        long appendsBefore = timer.count();
        double appendNanosBefore = timer.totalTime(TimeUnit.NANOSECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          sent.add(
              pool.submit(
                  () -> {
                    long nanos = 0;
                    for (int i = 0; i < requests / threads; i++) {
                      long s = System.nanoTime();
                      assertThat(facility.get("/api/v1/messages?size=1").statusCode())
                          .isEqualTo(200);
                      nanos += System.nanoTime() - s;
                    }
                    return nanos;
                  }));
        }
        long requestNanos = 0;
        for (Future<Long> f : sent) {
          requestNanos += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long appends = timer.count() - appendsBefore;
        double appendMs =
            (timer.totalTime(TimeUnit.NANOSECONDS) - appendNanosBefore) / 1e6 / appends;
        System.out.printf(
            "audit-e2e round=%d threads=%d requests=%d requests_per_s=%.0f request_ms=%.2f"
                + " append_ms=%.3f append_share=%.1f%%%n",
            round,
            threads,
            requests,
            requests / seconds,
            requestNanos / 1e6 / requests,
            appendMs,
            100 * appendMs / (requestNanos / 1e6 / requests));
      }
    }
  }
}
