package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import io.otaflow.observability.Tracing;
import io.otaflow.robotupdate.RobotErrors;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A worker built as the agent builds its own, logging through the distribution's {@code conf/logback.xml}: an expected
 * refusal comes out as one line naming its reason and no stack trace, and the rollout, robot, workflow and activity
 * it concerns; an unexpected exception keeps its stack trace.
 */
class RefusalLoggingTest {

  private static final String TASK_QUEUE = "robot-r1";
  private static final String REASON = "verify: sha256 mismatch: expected abababab…, got 84537455…";
  private static final String BUG = "index 3 out of bounds for length 2";

  private static final String ROBOT_WORKFLOW_ID = "rollout-spring-1/robot-r1";

  /** Keeps each event's MDC as it was on the thread that logged it, as the agent's console appender writes it. */
  private static final ListAppender<ILoggingEvent> logged = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      super.append(event);
    }
  };
  private static Encoder<ILoggingEvent> agentEncoder;

  private TestWorkflowEnvironment env;

  @BeforeAll
  static void logAsTheAgentDoes() throws JoranException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of("src", "dist", "conf", "logback.xml").toFile());
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    agentEncoder = ((OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT")).getEncoder();
    logged.setContext(context);
    logged.start();
    root.addAppender(logged);
  }

  @AfterAll
  static void stopCapturing() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logged);
    logged.stop();
  }

  @BeforeEach
  void startWorker() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkerFactoryOptions(RobotAgent.workerFactoryOptions(new AgentMetrics("test"), Tracing.off()))
        .build());
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(StepWorkflowImpl.class);
    worker.registerActivitiesImplementations(new RobotStepImpl());
    env.start();
  }

  @AfterEach
  void stopWorker() {
    env.close();
  }

  @Test
  void anExpectedRefusalIsOneLineWithItsReason() {
    String seen = run("refuse");

    assertThat(seen).isEqualTo(RobotErrors.CHECKSUM_MISMATCH + ": " + REASON);
    String output = agentOutput();
    assertThat(output.lines().filter(line -> line.contains(REASON))).singleElement().asString()
        .contains("\"level\":\"WARN\"", "Step refused on " + TASK_QUEUE, "\"rolloutId\":\"spring-1\"",
            "\"robotId\":\"r1\"", "\"workflowId\":\"" + ROBOT_WORKFLOW_ID + "\"", "\"activityType\":\"Step\"");
    assertThat(output).doesNotContain("stack_trace", "\tat ");
  }

  @Test
  void anUnexpectedExceptionKeepsItsStackTrace() {
    String seen = run("crash");

    assertThat(seen).isEqualTo(IllegalStateException.class.getName() + ": " + BUG);
    assertThat(agentOutput().lines().filter(line -> line.contains(BUG))).singleElement().asString()
        .contains("\"stack_trace\":\"java.lang.IllegalStateException: " + BUG, "\\tat ");
  }

  /** Runs the step once (no retries) and returns what the workflow saw: the failure's type and message. */
  private String run(String outcome) {
    synchronized (logged) {
      logged.list.clear();
    }
    return env.getWorkflowClient().newWorkflowStub(StepWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(ROBOT_WORKFLOW_ID)
            .build()).run(outcome);
  }

  /** What the agent printed while the step ran, encoded by its own encoder: one JSON object per line. */
  private static String agentOutput() {
    List<ILoggingEvent> events;
    synchronized (logged) {
      events = List.copyOf(logged.list);
    }
    return events.stream().map(event -> new String(agentEncoder.encode(event), StandardCharsets.UTF_8))
        .collect(Collectors.joining());
  }

  @ActivityInterface
  public interface RobotStep {
    void step(String outcome);
  }

  /** Refuses as a robot activity does, or fails as a bug does. */
  public static class RobotStepImpl implements RobotStep {
    @Override
    public void step(String outcome) {
      if (outcome.equals("refuse")) {
        throw ApplicationFailure.newNonRetryableFailure(REASON, RobotErrors.CHECKSUM_MISMATCH);
      }
      throw new IllegalStateException(BUG);
    }
  }

  @WorkflowInterface
  public interface StepWorkflow {
    @WorkflowMethod
    String run(String outcome);
  }

  public static class StepWorkflowImpl implements StepWorkflow {
    @Override
    public String run(String outcome) {
      RobotStep robot = Workflow.newActivityStub(RobotStep.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());
      try {
        robot.step(outcome);
        return "done";
      } catch (ActivityFailure failure) {
        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        return cause.getType() + ": " + cause.getOriginalMessage();
      }
    }
  }
}
