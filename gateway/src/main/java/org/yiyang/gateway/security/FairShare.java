package org.yiyang.gateway.security;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's working capacity shared fairly among its clients (ADR 0050, "one facility flooding
 * leaves the others' p99 within 2×"). A fixed number of work slots (about the cores) run requests;
 * a request that finds them all taken waits in its client's own queue, and a freed slot goes to the
 * clients in turn (round robin over the clients that wait, first come first served within one), so
 * a client with hundreds of requests waiting delays another's next request by at most one request
 * per slot, not by its whole queue. The shape follows the fair queuing of Kubernetes' API Priority
 * and Fairness, without its priority levels.
 *
 * <p>Bounded everywhere: a client may have at most {@code maxPerClient} requests in the gateway at
 * once (waiting or working; beyond that it is refused at once, holding no thread), and a request
 * waits at most {@code maxWait} for a slot. A slot is given back as soon as its request only waits
 * (for a delivery it started, see {@link Slot#release()}), so slots count work, not waiting.
 */
public final class FairShare {

  private final int slots;
  private final int maxPerClient;
  private final Duration maxWait;
  private final ReentrantLock lock = new ReentrantLock();

  /** Slots in use. */
  private int working;

  /** Per client: requests admitted and not finished (waiting or working). */
  private final Map<String, Integer> inGateway = new HashMap<>();

  /** Per client with requests waiting: its waiters, oldest first. */
  private final Map<String, ArrayDeque<Waiter>> queues = new HashMap<>();

  /** The clients with requests waiting, in the order their turn comes. */
  private final ArrayDeque<String> turns = new ArrayDeque<>();

  public FairShare(int slots, int maxPerClient, Duration maxWait) {
    if (slots < 1 || maxPerClient < 1) {
      throw new IllegalArgumentException("slots and maxPerClient must be at least 1");
    }
    this.slots = slots;
    this.maxPerClient = maxPerClient;
    this.maxWait = maxWait;
  }

  /** Why a request was not admitted. */
  public enum Refused {
    /** The client already has {@code maxPerClient} requests in the gateway. */
    TOO_MANY_IN_PROGRESS,
    /** No slot came free within {@code maxWait}. */
    NO_SLOT_IN_TIME
  }

  /** A request's admission: a slot, or why none. */
  public sealed interface Admission permits Slot, Refusal {}

  /** Not admitted. */
  public record Refusal(Refused reason) implements Admission {}

  /**
   * Waits for a slot for one request of {@code client}. The caller must {@link Slot#close()} an
   * admitted slot when the request ends.
   */
  public Admission enter(String client) throws InterruptedException {
    Waiter waiter;
    lock.lock();
    try {
      int mine = inGateway.getOrDefault(client, 0);
      if (mine >= maxPerClient) {
        return new Refusal(Refused.TOO_MANY_IN_PROGRESS);
      }
      inGateway.put(client, mine + 1);
      if (working < slots && turns.isEmpty()) {
        working++;
        return new Slot(client);
      }
      waiter = new Waiter(lock.newCondition());
      ArrayDeque<Waiter> queue = queues.computeIfAbsent(client, c -> new ArrayDeque<>());
      if (queue.isEmpty()) {
        turns.addLast(client);
      }
      queue.addLast(waiter);
      long nanos = maxWait.toNanos();
      try {
        while (!waiter.granted && nanos > 0) {
          nanos = waiter.condition.awaitNanos(nanos);
        }
      } catch (InterruptedException e) {
        if (!waiter.granted) {
          abandon(client, waiter);
          throw e;
        }
        Thread.currentThread().interrupt();
      }
      if (waiter.granted) {
        return new Slot(client);
      }
      abandon(client, waiter);
      return new Refusal(Refused.NO_SLOT_IN_TIME);
    } finally {
      lock.unlock();
    }
  }

  /** Slots in use now (for tests and metrics). */
  public int working() {
    lock.lock();
    try {
      return working;
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting for a slot now (for tests and metrics). */
  public int waiting() {
    lock.lock();
    try {
      return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    } finally {
      lock.unlock();
    }
  }

  /** A waiter that gave up: out of its queue, and no longer in the gateway. Under the lock. */
  private void abandon(String client, Waiter waiter) {
    ArrayDeque<Waiter> queue = queues.get(client);
    if (queue != null) {
      queue.remove(waiter);
      if (queue.isEmpty()) {
        queues.remove(client);
        turns.remove(client);
      }
    }
    leave(client);
  }

  /** One request of a client has ended. Under the lock. */
  private void leave(String client) {
    int mine = inGateway.getOrDefault(client, 0) - 1;
    if (mine <= 0) {
      inGateway.remove(client);
    } else {
      inGateway.put(client, mine);
    }
  }

  /**
   * A slot is free: it goes to the client whose turn it is, else it is kept free. Under the lock.
   */
  private void handOver() {
    while (!turns.isEmpty()) {
      String next = turns.pollFirst();
      ArrayDeque<Waiter> queue = queues.get(next);
      Waiter waiter = queue.pollFirst();
      if (queue.isEmpty()) {
        queues.remove(next);
      } else {
        turns.addLast(next);
      }
      waiter.granted = true;
      waiter.condition.signal();
      return;
    }
    working--;
  }

  private static final class Waiter {
    final Condition condition;
    boolean granted;

    Waiter(Condition condition) {
      this.condition = condition;
    }
  }

  /**
   * An admitted request's slot. {@link #release()} gives the slot back early (the request only
   * waits from then on); {@link #close()} ends the request; both may be called more than once.
   */
  public final class Slot implements Admission, AutoCloseable {
    private final String client;
    private boolean released;
    private boolean closed;

    private Slot(String client) {
      this.client = client;
    }

    /** Gives the slot to the next client in turn; the request stays counted for its client. */
    public void release() {
      lock.lock();
      try {
        if (!released) {
          released = true;
          handOver();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (!closed) {
          closed = true;
          if (!released) {
            released = true;
            handOver();
          }
          leave(client);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** How long a request may wait for a slot. */
  public Duration maxWait() {
    return maxWait;
  }

  /** Work slots in all. */
  public int slots() {
    return slots;
  }

  /** Requests of one client the gateway holds at most. */
  public int maxPerClient() {
    return maxPerClient;
  }

  private static final ThreadLocal<Slot> CURRENT = new ThreadLocal<>();

  /** Makes {@code slot} the current thread's, for {@link #releaseWhileWaiting()}; null clears. */
  static void bind(Slot slot) {
    if (slot == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(slot);
    }
  }

  /**
   * The current request stops working and only waits (for the delivery it started): its slot goes
   * to the next client in turn. Nothing when the request holds no slot.
   */
  public static void releaseWhileWaiting() {
    Slot slot = CURRENT.get();
    if (slot != null) {
      slot.release();
    }
  }
}
