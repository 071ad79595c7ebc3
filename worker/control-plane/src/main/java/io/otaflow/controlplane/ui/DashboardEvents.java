package io.otaflow.controlplane.ui;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutQuery;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
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
 * the event log a second serves every open page, and none runs while no page is open.
 *
 * <p>Each event's ID is the newest rollout event it covers. A browser that lost its connection reconnects by itself
 * with {@code Last-Event-ID}, and gets the current summary of every rollout that changed since (the page's own
 * {@code since}, the event ID it was rendered at, serves the first connection): nothing is missed, and nothing is sent
 * twice that has not changed.
 */
@ConditionalOnWebApplication
@Controller
class DashboardEvents {

  private static final Logger log = LoggerFactory.getLogger(DashboardEvents.class);
  /** A stream ends after this long and the browser opens another: no connection lives forever behind a proxy. */
  private static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);
  private static final long RECONNECT_MILLIS = 3_000;
  /** Rollouts sent per tick at most; the rest follow at the next one. */
  private static final int CHANGED_PER_TICK = 100;
  private static final int KEEP_ALIVE_TICKS = 15;

  private final RolloutEventLog events;
  private final RolloutRepository rollouts;
  private final RolloutSummaries summaries;
  private final FleetPages fleet;
  private final ITemplateEngine templates;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private long cursor = -1;
  private int quietTicks;

  /** An open page: the rollout it shows (null: any), and whether it shows the fleet's version bars. */
  private record Stream(SseEmitter emitter, String rolloutId, boolean fleet) {

    boolean wants(String changed) {
      return rolloutId == null || rolloutId.equals(changed);
    }
  }

  DashboardEvents(RolloutEventLog events, RolloutRepository rollouts, RolloutSummaries summaries, FleetPages fleet,
                  ITemplateEngine templates, MeterRegistry meters) {
    this.events = events;
    this.rollouts = rollouts;
    this.summaries = summaries;
    this.fleet = fleet;
    this.templates = templates;
    Gauge.builder("otaflow.dashboard.event.streams", streams, Set::size)
        .description("Dashboard pages receiving live updates").register(meters);
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
      send(stream, () -> SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("otaflow"));
      if (from >= 0) {
        Map<String, Long> changed = rollout == null ? events.rolloutsChangedAfter(from, CHANGED_PER_TICK)
            : events.rolloutsChangedAfter(from, Integer.MAX_VALUE);
        publish(List.of(stream), changed);
      }
    }
    streams.add(stream);
    return stream.emitter();
  }

  /** Every second: what changed since the last look, to the pages showing it. */
  @Scheduled(fixedDelayString = "${otaflow.ui.events-interval:PT1S}")
  void tick() {
    if (streams.isEmpty()) {
      cursor = -1;
      return;
    }
    if (cursor < 0) {
      cursor = events.latestEventId();
    }
    Map<String, Long> changed = events.rolloutsChangedAfter(cursor, CHANGED_PER_TICK);
    if (!changed.isEmpty()) {
      cursor = changed.values().stream().mapToLong(Long::longValue).max().orElse(cursor);
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
    for (Stream stream : List.copyOf(streams)) {
      streams.remove(stream);
      try {
        stream.emitter().complete();
      } catch (IllegalStateException gone) {
        log.debug("dashboard event stream already closed: {}", gone.toString());
      }
    }
  }

  /** Each changed rollout's summary, rendered once, to the streams that want it; then the fleet's bars. */
  private void publish(List<Stream> to, Map<String, Long> changed) {
    List<String> wanted = changed.keySet().stream().filter(id -> to.stream().anyMatch(s -> s.wants(id))).toList();
    List<RolloutRecord> records = new ArrayList<>();
    wanted.forEach(id -> rollouts.rollout(id).ifPresent(records::add));
    for (RolloutSummary summary : summaries.of(records)) {
      String id = summary.rollout().rolloutId();
      String html = render("summary", Map.of("summary", summary));
      Supplier<SseEmitter.SseEventBuilder> event = () -> SseEmitter.event().id(String.valueOf(changed.get(id)))
          .name("rollout").data(html);
      to.stream().filter(stream -> stream.wants(id)).forEach(stream -> send(stream, event));
    }
    Optional<Long> newest = changed.values().stream().max(Long::compare);
    List<Stream> fleetPages = to.stream().filter(Stream::fleet).toList();
    if (newest.isPresent() && !fleetPages.isEmpty()) {
      String html = render("versions", Map.of("versions", fleet.versionRows()));
      Supplier<SseEmitter.SseEventBuilder> event = () -> SseEmitter.event().id(String.valueOf(newest.get()))
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
