package io.otaflow.controlplane.ui;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutEventLog.RolloutChange;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The dashboard's live updates, as server-sent events: when a rollout records anything, its summary (status and stage
 * bars, rendered once) goes to every page showing it, and the fleet's version bars to the fleet pages. One query of
 * the event log a second serves every open page, on a thread of its own (a slow browser holds up no other job).
 *
 * <p>Each event's ID is the newest rollout event it covers. A browser that lost its connection reconnects by itself
 * with {@code Last-Event-ID} and gets the current summary of every rollout that changed since (the page's own
 * {@code since}, the event ID read before the page's data, serves its first connection); one that was away for more
 * than {@link #CATCH_UP_EVENTS} events is told to reload. Each look covers the last {@link #LOOKBACK_TICKS} ticks'
 * events and compares each rollout's newest ID and count with what was sent: an event committed after a higher ID
 * (concurrent transactions on PostgreSQL) is still seen, if within those seconds.
 */
@ConditionalOnWebApplication
@Controller
class DashboardEvents {

  private static final Logger log = LoggerFactory.getLogger(DashboardEvents.class);
  /**
   * A stream ends after this long and the browser opens another, authenticated again: no connection outlives a revoked
   * token by more, or lives forever behind a proxy.
   */
  private static final Duration STREAM_LIFETIME = Duration.ofMinutes(2);
  private static final long RECONNECT_MILLIS = 3_000;
  private static final int LOOKBACK_TICKS = 5;
  private static final long CATCH_UP_EVENTS = 100_000;
  private static final int CATCH_UP_ROLLOUTS = 1_000;
  private static final int KEEP_ALIVE_TICKS = 15;

  private final RolloutEventLog events;
  private final RolloutRepository rollouts;
  private final RolloutSummaries summaries;
  private final FleetPages fleet;
  private final ITemplateEngine templates;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "dashboard-events");
    thread.setDaemon(true);
    return thread;
  });
  // Touched by the ticks' thread alone.
  private long cursor = -1;
  private final Deque<Long> floors = new ArrayDeque<>();
  private final Map<String, RolloutChange> sent = new HashMap<>();
  private int quietTicks;

  /** An open page: the rollout it shows (null: any), and whether it shows the fleet's version bars. */
  private record Stream(SseEmitter emitter, String rolloutId, boolean fleet) {

    boolean wants(String changed) {
      return rolloutId == null || rolloutId.equals(changed);
    }
  }

  DashboardEvents(RolloutEventLog events, RolloutRepository rollouts, RolloutSummaries summaries, FleetPages fleet,
                  ITemplateEngine templates, MeterRegistry meters,
                  @Value("${otaflow.ui.events-interval:PT1S}") Duration interval) {
    this.events = events;
    this.rollouts = rollouts;
    this.summaries = summaries;
    this.fleet = fleet;
    this.templates = templates;
    Gauge.builder("otaflow.dashboard.event.streams", streams, Set::size)
        .description("Dashboard pages receiving live updates").register(meters);
    ticks.scheduleWithFixedDelay(this::tickLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param rollout     only this rollout's changes (a rollout's page); all rollouts when absent
   * @param fleet       also the fleet's version bars (the fleet page)
   * @param since       the event ID the page was rendered at
   * @param lastEventId sent by the browser when it reconnects: the last event it received
   */
  @GetMapping(value = DashboardPaths.EVENTS, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter subscribe(@RequestParam(required = false) String rollout,
                       @RequestParam(defaultValue = "false") boolean fleet,
                       @RequestParam(defaultValue = "-1") long since,
                       @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId) {
    Stream stream = new Stream(new SseEmitter(STREAM_LIFETIME.toMillis()), rollout, fleet);
    stream.emitter().onCompletion(() -> streams.remove(stream));
    stream.emitter().onTimeout(() -> {
      streams.remove(stream);
      // Ends the response normally: the browser reconnects, with the last event's ID.
      stream.emitter().complete();
    });
    stream.emitter().onError(failure -> streams.remove(stream));
    long from = lastEventId != null ? lastEventId : since;
    synchronized (stream) {
      // Listed before the catch-up reads the log: whatever the ticks do not send it, the catch-up does.
      streams.add(stream);
      send(stream, () -> SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("otaflow"));
      if (from >= 0) {
        catchUp(stream, from);
      }
    }
    return stream.emitter();
  }

  /** What changed after the event {@code from}, to one page that just connected. */
  private void catchUp(Stream stream, long from) {
    if (stream.rolloutId() != null) {
      events.newestEventAfter(stream.rolloutId(), from)
          .ifPresent(newest -> publish(List.of(stream), Map.of(stream.rolloutId(), newest)));
    } else if (events.latestEventId() - from > CATCH_UP_EVENTS) {
      send(stream, () -> SseEmitter.event().name("reload").data("away too long"));
    } else {
      publish(List.of(stream), newest(events.changesAfter(from, CATCH_UP_ROLLOUTS)));
    }
  }

  private void tickLogged() {
    try {
      tick();
    } catch (RuntimeException e) {
      // The next tick tries again (the registry unreachable for a moment, say); the thread must not die.
      log.warn("dashboard live updates: {}", e.toString());
    }
  }

  /** What changed in the last few ticks' events and was not sent yet, to the pages showing it. */
  void tick() {
    if (streams.isEmpty()) {
      cursor = -1;
      floors.clear();
      sent.clear();
      return;
    }
    if (cursor < 0) {
      cursor = events.latestEventId();
    }
    floors.addLast(cursor);
    if (floors.size() > LOOKBACK_TICKS) {
      floors.removeFirst();
    }
    Map<String, RolloutChange> window = events.changesAfter(floors.peekFirst(), Integer.MAX_VALUE);
    Map<String, Long> changed = new LinkedHashMap<>();
    window.forEach((rolloutId, change) -> {
      if (!change.equals(sent.get(rolloutId))) {
        changed.put(rolloutId, change.newestEventId());
      }
      cursor = Math.max(cursor, change.newestEventId());
    });
    sent.keySet().retainAll(window.keySet());
    sent.putAll(window);
    if (!changed.isEmpty()) {
      publish(List.copyOf(streams), changed);
      quietTicks = 0;
    } else if (++quietTicks >= KEEP_ALIVE_TICKS) {
      quietTicks = 0;
      streams.forEach(stream -> send(stream, () -> SseEmitter.event().comment("keep-alive")));
    }
  }

  /**
   * Ends every stream as the control plane begins to stop (before the web server's graceful shutdown, which would
   * wait for them): open pages reconnect to whichever control plane serves next.
   */
  @EventListener(ContextClosedEvent.class)
  void closeStreams() {
    ticks.shutdownNow();
    for (Stream stream : List.copyOf(streams)) {
      streams.remove(stream);
      try {
        stream.emitter().complete();
      } catch (IllegalStateException gone) {
        log.debug("dashboard event stream already closed: {}", gone.toString());
      }
    }
  }

  /** Each rollout's newest event ID. */
  private static Map<String, Long> newest(Map<String, RolloutChange> changes) {
    Map<String, Long> newest = new LinkedHashMap<>();
    changes.forEach((rolloutId, change) -> newest.put(rolloutId, change.newestEventId()));
    return newest;
  }

  /** Each changed rollout's summary, rendered once, to the streams that want it; then the fleet's bars. */
  private void publish(List<Stream> to, Map<String, Long> changed) {
    List<RolloutRecord> records = new ArrayList<>();
    changed.keySet().stream().filter(id -> to.stream().anyMatch(stream -> stream.wants(id)))
        .forEach(id -> rollouts.rollout(id).ifPresent(records::add));
    for (RolloutSummary summary : summaries.of(records)) {
      String id = summary.rollout().rolloutId();
      String html = render("summary", Map.of("summary", summary));
      Supplier<SseEmitter.SseEventBuilder> event = () -> SseEmitter.event().id(String.valueOf(changed.get(id)))
          .name("rollout").data(html);
      to.stream().filter(stream -> stream.wants(id)).forEach(stream -> send(stream, event));
    }
    List<Stream> fleetPages = to.stream().filter(Stream::fleet).toList();
    if (!changed.isEmpty() && !fleetPages.isEmpty()) {
      long newest = changed.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      String html = render("versions", Map.of("versions", fleet.versionRows()));
      Supplier<SseEmitter.SseEventBuilder> event = () -> SseEmitter.event().id(String.valueOf(newest))
          .name("fleet").data(html);
      fleetPages.forEach(stream -> send(stream, event));
    }
  }

  /** One fragment of ui/parts, on one line: an event's data is read line by line. */
  private String render(String fragment, Map<String, Object> variables) {
    return templates.process("ui/parts", Set.of(fragment), new Context(Locale.ROOT, variables)).replace('\n', ' ');
  }

  /** @param event a new builder each time: a builder is spent by one send */
  private void send(Stream stream, Supplier<SseEmitter.SseEventBuilder> event) {
    synchronized (stream) {
      try {
        stream.emitter().send(event.get());
      } catch (IOException | IllegalStateException gone) {
        // The page was closed or its connection dropped: its browser reconnects, as a new stream, if it is still open.
        log.debug("dashboard event stream closed: {}", gone.toString());
        streams.remove(stream);
      }
    }
  }
}
