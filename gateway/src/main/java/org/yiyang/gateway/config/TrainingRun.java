package org.yiyang.gateway.config;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.ConformanceConfig.ValidatorWarmUp;
import org.yiyang.gateway.logging.SafeTrace;

/**
 * The training run of {@code bin/gateway} (docs/operations.md, ADR 0035): with {@code
 * gateway.training-run=true} the gateway starts as usual, waits until it is ready (the context is
 * up and the validator has warmed up), and exits. A JVM started to record a start-up cache writes
 * at that exit what the start loaded (a CDS class list), or on JDK 25 also what it linked and
 * profiled (an AOT cache); later starts read it back instead of doing that work again. Exit code 0
 * when the start completed, 1 when the warm-up failed or did not end in time: the launcher then
 * throws the recording away.
 */
@Component
@ConditionalOnProperty(name = TrainingRun.PROPERTY, havingValue = "true")
public class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {

  /** The switch of a training run. */
  public static final String PROPERTY = "gateway.training-run";

  private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

  /** Far above a warm-up on a loaded 2-core machine (about 10 s). */
  static final Duration WARM_UP_LIMIT = Duration.ofMinutes(5);

  private final ValidatorWarmUp warmUp;
  private final IntConsumer exit;

  @Autowired
  public TrainingRun(ValidatorWarmUp warmUp) {
    this(warmUp, System::exit);
  }

  TrainingRun(ValidatorWarmUp warmUp, IntConsumer exit) {
    this.warmUp = warmUp;
    this.exit = exit;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    int code = awaitWarmUp();
    ConfigurableApplicationContext context = event.getApplicationContext();
    exit.accept(SpringApplication.exit(context, () -> code));
  }

  private int awaitWarmUp() {
    try {
      warmUp.done().get(WARM_UP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Training run complete: the gateway started and warmed up; exiting");
      return 0;
    } catch (ExecutionException e) {
      log.error(
          "Training run failed: the validator warm-up failed: {}", SafeTrace.of(e.getCause()));
      return 1;
    } catch (TimeoutException e) {
      log.error("Training run failed: the validator did not warm up within {}", WARM_UP_LIMIT);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.error("Training run interrupted before the validator warmed up");
      return 1;
    }
  }
}
