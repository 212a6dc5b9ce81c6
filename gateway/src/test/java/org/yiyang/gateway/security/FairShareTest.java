package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The work slots shared among clients: bounds, turns, refusals (ADR 0050). */
class FairShareTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void noMoreRequestsWorkThanThereAreSlots() throws Exception {
    FairShare share = new FairShare(2, 10, Duration.ofMinutes(1));
    FairShare.Slot a1 = (FairShare.Slot) share.enter("a");
    FairShare.Slot a2 = (FairShare.Slot) share.enter("a");
    Future<FairShare.Admission> b = threads.submit(() -> share.enter("b"));
    await().until(() -> share.waiting() == 1);
    assertThat(b).isNotDone();
    assertThat(share.working()).isEqualTo(2);

    a1.close();
    assertThat(b.get(10, TimeUnit.SECONDS)).isInstanceOf(FairShare.Slot.class);
    assertThat(share.working()).isEqualTo(2);
    a2.close();
    ((FairShare.Slot) b.get()).close();
    assertThat(share.working()).isZero();
    assertThat(share.waiting()).isZero();
  }

  /**
   * Client a queued three requests before b queued one: the freed slots go a, b, a, a (first come
   * first served would give a, a, a, b: b behind a's whole queue).
   */
  @Test
  void aFreedSlotGoesToTheWaitingClientsInTurn() throws Exception {
    FairShare share = new FairShare(1, 10, Duration.ofMinutes(1));
    FairShare.Slot holding = (FairShare.Slot) share.enter("a");
    List<String> order = new CopyOnWriteArrayList<>();
    int queued = 0;
    for (String request : List.of("a1", "a2", "a3", "b1")) {
      threads.submit(
          () -> {
            try (FairShare.Slot slot = (FairShare.Slot) share.enter(request.substring(0, 1))) {
              order.add(request);
            }
            return null;
          });
      int expected = ++queued;
      await().until(() -> share.waiting() == expected);
    }
    holding.close();
    await().until(() -> order.size() == 4);
    assertThat(order).containsExactly("a1", "b1", "a2", "a3");
    assertThat(share.working()).isZero();
  }

  @Test
  void aClientWithItsShareInProgressIsRefusedAtOnceAndTheOthersAreNot() throws Exception {
    FairShare share = new FairShare(8, 2, Duration.ofMinutes(1));
    FairShare.Slot a1 = (FairShare.Slot) share.enter("a");
    FairShare.Slot a2 = (FairShare.Slot) share.enter("a");
    assertThat(share.enter("a"))
        .isEqualTo(new FairShare.Refusal(FairShare.Refused.TOO_MANY_IN_PROGRESS));
    FairShare.Admission b = share.enter("b");
    assertThat(b).isInstanceOf(FairShare.Slot.class);
    a1.close();
    assertThat(share.enter("a")).isInstanceOf(FairShare.Slot.class);
    a2.close();
    ((FairShare.Slot) b).close();
  }

  @Test
  void aRequestWaitsForASlotAtMostMaxWaitAndIsThenForgotten() throws Exception {
    FairShare share = new FairShare(1, 1, Duration.ofMillis(50));
    FairShare.Slot a = (FairShare.Slot) share.enter("a");
    assertThat(share.enter("b"))
        .isEqualTo(new FairShare.Refusal(FairShare.Refused.NO_SLOT_IN_TIME));
    assertThat(share.waiting()).isZero();
    a.close();
    // b's refused request no longer counts against its one request in progress.
    FairShare.Admission b = share.enter("b");
    assertThat(b).isInstanceOf(FairShare.Slot.class);
    ((FairShare.Slot) b).close();
  }

  /**
   * A request that only waits (for its delivery) gives its slot away but still counts for its
   * client until it ends; closing twice frees nothing twice.
   */
  @Test
  void aReleasedSlotServesAnotherWhileItsRequestStillCounts() throws Exception {
    FairShare share = new FairShare(1, 1, Duration.ofMillis(50));
    FairShare.Slot a = (FairShare.Slot) share.enter("a");
    FairShare.bind(a);
    try {
      FairShare.releaseWhileWaiting();
    } finally {
      FairShare.bind(null);
    }
    FairShare.Slot b = (FairShare.Slot) share.enter("b");
    assertThat(share.working()).isEqualTo(1);
    assertThat(share.enter("a"))
        .isEqualTo(new FairShare.Refusal(FairShare.Refused.TOO_MANY_IN_PROGRESS));
    a.close();
    a.close();
    assertThat(share.working()).as("a's slot was given back once").isEqualTo(1);
    b.close();
    assertThat(share.working()).isZero();
    FairShare.Slot again = (FairShare.Slot) share.enter("a");
    again.close();
  }
}
