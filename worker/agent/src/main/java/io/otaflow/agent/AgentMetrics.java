package io.otaflow.agent;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The robot's own metrics, for scraping on the robot: a Prometheus registry served at {@code /metrics} by the JDK's
 * HTTP server (no Spring on a robot), on loopback unless told otherwise. Besides what the robot-side activities
 * record (download bytes and duration, apply and rollback duration, probe values, health checks): the agent up, its
 * build, and the update step running now ({@code otaflow_agent_update_step{step="Download"} 1}).
 */
final class AgentMetrics implements AutoCloseable {

  static final String PATH = "/metrics";
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicInteger> runningSteps = new ConcurrentHashMap<>();
  private HttpServer server;

  AgentMetrics(String agentVersion) {
    Gauge.builder("otaflow.agent.up", () -> 1).description("1 while the agent runs").register(registry);
    Gauge.builder("otaflow.agent.build.info", () -> 1).tag("version", agentVersion)
        .description("The agent's version").register(registry);
  }

  /**
   * Serves them at {@code http://address:port/metrics}; port 0 picks a free one.
   *
   * @throws IllegalArgumentException naming the address when it cannot be bound
   */
  void serve(String address, int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (IOException e) {
      throw new IllegalArgumentException("metrics: cannot listen on " + address + ":" + port + ": " + e.getMessage(),
          e);
    }
    server.createContext(PATH, exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  MeterRegistry registry() {
    return registry;
  }

  /** @return -1 while not served */
  int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  /** Counts the activities running by type, for {@code otaflow_agent_update_step}: register on the robot's worker. */
  WorkerInterceptorBase updateSteps() {
    return new WorkerInterceptorBase() {
      @Override
      public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
          private AtomicInteger running;

          @Override
          public void init(ActivityExecutionContext context) {
            running = step(context.getInfo().getActivityType());
            super.init(context);
          }

          @Override
          public ActivityOutput execute(ActivityInput input) {
            running.incrementAndGet();
            try {
              return super.execute(input);
            } finally {
              running.decrementAndGet();
            }
          }
        };
      }
    };
  }

  /** The update step (activity type) running now, for telemetry; null when none runs. */
  String runningStep() {
    return runningSteps.entrySet().stream().filter(step -> step.getValue().get() > 0).map(Map.Entry::getKey)
        .sorted().findFirst().orElse(null);
  }

  private AtomicInteger step(String activityType) {
    return runningSteps.computeIfAbsent(activityType, type -> {
      AtomicInteger running = new AtomicInteger();
      Gauge.builder("otaflow.agent.update.step", running, AtomicInteger::get).tag("step", type)
          .description("Update steps (activities) running now, by step").register(registry);
      return running;
    });
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
