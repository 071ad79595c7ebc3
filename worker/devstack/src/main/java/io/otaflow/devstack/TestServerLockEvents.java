package io.otaflow.devstack;

import io.temporal.testserver.TestServer;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.LinkedList;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Temporal's test server from slowing down with every operation it ever served. Its time-skipping timer
 * ({@code SelfAdvancingTimerImpl}, SDK 1.38 and sdk-java's main branch since) appends each lock and unlock to a
 * {@code LinkedList} it never trims: the locks a request takes and releases by count (an activity scheduled, a child
 * started, a signal sent, a workflow task completed) leave two entries each. Every update of a workflow takes a lock
 * and then removes it from that list by a scan from the head, past all the entries left before it: the cost of each
 * update grows with everything the server has done, and a long run slows down quadratically. Seen in {@code bench
 * rollout --instant --robots 100000}: after 40,000 robot updates, each of three thread dumps found the server's busy
 * thread in that scan ({@code TimerLockHandle.unlock} -> {@code LinkedList.remove}).
 *
 * <p>The list is replaced by one whose removal scans from the tail, where the lock an update just took is. The same
 * entry is removed (each is a distinct object, present once), so the server behaves as before. The leftover entries
 * still cost memory: about 130 bytes per operation.
 */
final class TestServerLockEvents {

  private static final Logger log = LoggerFactory.getLogger(TestServerLockEvents.class);

  private TestServerLockEvents() {
  }

  /**
   * Replaces the server's list of lock events, under the timer's own lock, before it serves anything; returns whether
   * it could (a later SDK may have renamed what this reaches for: then the server runs as it comes, slowing down).
   */
  static boolean removeFromTheTail(TestServer.PortBoundTestServer server) {
    try {
      Object timer = field(field(server, "testServicesStarter"), "selfAdvancingTimer");
      Field events = timer.getClass().getDeclaredField("lockEvents");
      events.setAccessible(true);
      Lock lock = (Lock) field(timer, "lock");
      lock.lock();
      try {
        events.set(timer, new RemovedFromTheTail<>((Collection<?>) events.get(timer)));
      } finally {
        lock.unlock();
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("embedded Temporal: its lock list stays as it is, so long runs slow down ({})", e.toString());
      return false;
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  /** A linked list whose {@code remove(Object)} finds the last occurrence, scanning from the tail. */
  static final class RemovedFromTheTail<E> extends LinkedList<E> {

    RemovedFromTheTail(Collection<? extends E> entries) {
      super(entries);
    }

    @Override
    public boolean remove(Object entry) {
      return removeLastOccurrence(entry);
    }
  }
}
