package org.yiyang.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.config.RunMode;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalConfig;
import org.yiyang.gateway.logging.SafeTrace;

/**
 * Delivers from the journal: a scheduler polls for due messages and hands each, claimed, to a
 * bounded pool of delivery threads; request threads hand over their fresh message the same way. On
 * startup every unfinished message is due again; on shutdown polling stops first and in-flight
 * deliveries finish (it stops before the web server, so the embedded FHIR server still answers).
 */
@Component
public class DeliveryWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  private final Journal journal;
  private final DeliveryAttempt attempt;
  private final GatewayProperties properties;
  private final GatewayProperties.Delivery settings;
  private final String owner = UUID.randomUUID().toString();
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final ThreadPoolTaskExecutor executor;
  private final ThreadPoolTaskScheduler scheduler;
  private final RunMode mode;
  private volatile boolean running;

  public DeliveryWorker(
      Journal journal, DeliveryAttempt attempt, GatewayProperties properties, RunMode mode) {
    this.mode = mode;
    this.journal = journal;
    this.attempt = attempt;
    this.properties = properties;
    this.settings = properties.delivery();
    executor = new ThreadPoolTaskExecutor();
    executor.setThreadNamePrefix("delivery-");
    executor.setCorePoolSize(settings.threads());
    executor.setMaxPoolSize(settings.threads());
    // A short queue: what does not fit stays in the journal, where it is safe, until next poll.
    executor.setQueueCapacity(settings.threads() * 2);
    executor.setRejectedExecutionHandler(new ThreadPoolExecutor.AbortPolicy());
    scheduler = new ThreadPoolTaskScheduler();
    scheduler.setThreadNamePrefix("journal-poll-");
    scheduler.setPoolSize(1);
  }

  @Override
  public void start() {
    if (mode.trainingRun()) {
      // ADR 0062: a training run delivers nothing (and its journal is a throw-away one anyway).
      log.info("Training run: the delivery worker does not start");
      return;
    }
    if (JournalConfig.exclusive(properties)) {
      int released = journal.releaseAllLeases();
      if (released > 0) {
        log.info("Resuming {} deliveries interrupted by the last shutdown", released);
      }
    }
    log.info("Journal backlog at startup: {} undelivered messages", journal.backlog());
    executor.initialize();
    scheduler.initialize();
    running = true;
    scheduler.scheduleWithFixedDelay(this::poll, settings.pollInterval());
  }

  /** Claims due messages, as many as the delivery threads can take now. */
  void poll() {
    if (!running) {
      return;
    }
    try {
      int free =
          settings.threads() * 3
              - executor.getThreadPoolExecutor().getQueue().size()
              - executor.getActiveCount();
      if (free <= 0) {
        return;
      }
      for (String id : journal.due(Instant.now(), Math.min(free, settings.batchSize()))) {
        if (!running) {
          return;
        }
        dispatch(id);
      }
    } catch (RuntimeException e) {
      // The journal may be briefly unreachable; the next poll tries again.
      log.warn("Journal poll failed: {}", e.getClass().getName());
    }
  }

  /**
   * Claims a message and starts its delivery. Empty when it is not this process's to deliver now
   * (being delivered, an earlier message for the same record is pending, or shutting down).
   */
  public Optional<CompletableFuture<Void>> dispatch(String id) {
    if (!running) {
      return Optional.empty();
    }
    // Registered before the claim, so that a concurrent duplicate sender finds this delivery.
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> current = inFlight.putIfAbsent(id, done);
    if (current != null) {
      return Optional.of(current);
    }
    // Until the delivery thread owns it, this thread must take the entry back on every way out,
    // a journal error included: an entry left behind would make every later dispatch of this
    // message join a delivery that never ends, and the resident's later messages wait behind it.
    boolean handedOver = false;
    try {
      Instant now = Instant.now();
      if (!journal.claim(id, owner, now, now.plus(settings.lease()))) {
        return Optional.empty();
      }
      ScheduledFuture<?> renewal = renewLease(id);
      try {
        executor.execute(
            () -> {
              try {
                attempt.run(id, owner);
              } catch (RuntimeException e) {
                log.error("Delivery of message {} failed unexpectedly\n{}", id, SafeTrace.of(e));
              } finally {
                renewal.cancel(false);
                inFlight.remove(id, done);
                done.complete(null);
              }
            });
        handedOver = true;
      } catch (RejectedExecutionException full) {
        renewal.cancel(false);
        journal.release(id, owner);
        return Optional.empty();
      }
      return Optional.of(done);
    } finally {
      if (!handedOver) {
        inFlight.remove(id, done);
        done.complete(null);
      }
    }
  }

  /**
   * Renews a claimed message's lease every third of a lease while its delivery runs: a delivery may
   * outlast one lease (a slow FHIR server, retries inside the HTTP client), and another instance
   * must not take the message over meanwhile and deliver it a second time, out of order. A renewal
   * the journal refuses is only logged: the lease then ends as it would have without renewals.
   */
  private ScheduledFuture<?> renewLease(String id) {
    Duration every = settings.lease().dividedBy(3);
    return scheduler.scheduleAtFixedRate(
        () -> {
          try {
            journal.renew(id, owner, Instant.now().plus(settings.lease()));
          } catch (RuntimeException e) {
            log.warn("Lease renewal of message {} failed: {}", id, e.getClass().getName());
          }
        },
        Instant.now().plus(every),
        every);
  }

  /** The running delivery of a message, if this process is delivering it now. */
  public Optional<CompletableFuture<Void>> inFlight(String id) {
    return Optional.ofNullable(inFlight.get(id));
  }

  @Override
  public void stop() {
    running = false;
    // Polling stops at once (running is false); the scheduler itself runs on while deliveries
    // drain, renewing their leases.
    executor.getThreadPoolExecutor().shutdown();
    try {
      if (!executor
          .getThreadPoolExecutor()
          .awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "{} deliveries still running after {}; they resume at the next start",
            inFlight.size(),
            settings.drainTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdown();
    log.info("Delivery stopped; {} messages remain in the journal", journal.backlog());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the web server's graceful shutdown, while the FHIR server can still answer. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
