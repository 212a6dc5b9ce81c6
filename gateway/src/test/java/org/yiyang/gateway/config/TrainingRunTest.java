package org.yiyang.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.yiyang.gateway.config.ConformanceConfig.ValidatorWarmUp;

class TrainingRunTest {

  private static ApplicationReadyEvent ready(GenericApplicationContext context) {
    return new ApplicationReadyEvent(
        new SpringApplication(TrainingRunTest.class), new String[0], context, Duration.ZERO);
  }

  private static GenericApplicationContext started() {
    GenericApplicationContext context = new GenericApplicationContext();
    context.refresh();
    return context;
  }

  @Test
  void exitsWithZeroOnceTheWarmUpIsDoneAndClosesTheContext() throws Exception {
    CompletableFuture<Void> warmUp = new CompletableFuture<>();
    AtomicBoolean warmWhenExiting = new AtomicBoolean();
    AtomicInteger code = new AtomicInteger(-1);
    TrainingRun run =
        new TrainingRun(
            new ValidatorWarmUp(warmUp),
            c -> {
              warmWhenExiting.set(warmUp.isDone());
              code.set(c);
            });
    GenericApplicationContext context = started();

    Thread listener = new Thread(() -> run.onApplicationEvent(ready(context)));
    listener.start();
    listener.join(200);
    assertThat(code).as("no exit while the validator warms up").hasValue(-1);
    warmUp.complete(null);
    listener.join(10_000);

    assertThat(code).hasValue(0);
    assertThat(warmWhenExiting).isTrue();
    assertThat(context.isActive()).isFalse();
  }

  @Test
  void exitsWithOneWhenTheWarmUpFailed() {
    AtomicInteger code = new AtomicInteger(-1);
    TrainingRun run =
        new TrainingRun(
            new ValidatorWarmUp(
                CompletableFuture.failedFuture(new IllegalStateException("broken profile"))),
            code::set);
    GenericApplicationContext context = started();

    run.onApplicationEvent(ready(context));

    assertThat(code).hasValue(1);
    assertThat(context.isActive()).isFalse();
  }
}
