package io.otaflow.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Lines logged by a robot's workflow (its own thread and a thread it starts) and by its activity carry the rollout and
 * robot it works on; an activity polled from a robot's queue names the robot even when its workflow ID does not.
 */
class LogContextTest {

  private static final String QUEUE = OtaflowNames.robotTaskQueue("r7");

  /** Keeps each event's MDC as it was on the thread that logged it. */
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      super.append(event);
    }
  };
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logged.setContext(context);
    logged.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logged);
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new LogContext()).build())
        .build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(StepsWorkflowImpl.class);
    worker.registerActivitiesImplementations(new StepImpl());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logged);
  }

  @Test
  void aRobotWorkflowsLinesCarryItsRolloutAndRobot() {
    run(OtaflowNames.robotWorkflowId("spring-1", "r7"));

    assertThat(linesOf("workflow thread", "child thread", "activity")).allSatisfy(mdc -> assertThat(mdc)
        .containsEntry(LogContext.ROLLOUT_ID, "spring-1")
        .containsEntry(LogContext.ROBOT_ID, "r7")
        .containsEntry("WorkflowId", OtaflowNames.robotWorkflowId("spring-1", "r7")));
    assertThat(linesOf("activity")).singleElement().satisfies(mdc -> assertThat(mdc)
        .containsEntry("ActivityType", "Step"));
  }

  @Test
  void anActivityOnARobotsQueueNamesTheRobotWithoutARolloutWhenItsWorkflowIsNoRollouts() {
    run("something-else");

    assertThat(linesOf("workflow thread", "child thread")).allSatisfy(mdc -> assertThat(mdc)
        .doesNotContainKeys(LogContext.ROLLOUT_ID, LogContext.ROBOT_ID));
    assertThat(linesOf("activity")).singleElement().satisfies(mdc -> assertThat(mdc)
        .containsEntry(LogContext.ROBOT_ID, "r7")
        .doesNotContainKey(LogContext.ROLLOUT_ID));
  }

  private void run(String workflowId) {
    env.getWorkflowClient().newWorkflowStub(StepsWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(workflowId).build()).run();
  }

  /** The MDC of each line logged with one of {@code messages}; one line per message. */
  private List<Map<String, String>> linesOf(String... messages) {
    List<Map<String, String>> lines = logged.list.stream()
        .filter(event -> List.of(messages).contains(event.getFormattedMessage()))
        .map(ILoggingEvent::getMDCPropertyMap)
        .toList();
    assertThat(lines).hasSize(messages.length);
    return lines;
  }

  @ActivityInterface
  public interface Step {
    void step();
  }

  public static class StepImpl implements Step {
    @Override
    public void step() {
      LoggerFactory.getLogger(StepImpl.class).info("activity");
    }
  }

  @WorkflowInterface
  public interface StepsWorkflow {
    @WorkflowMethod
    void run();
  }

  public static class StepsWorkflowImpl implements StepsWorkflow {
    @Override
    public void run() {
      org.slf4j.Logger log = Workflow.getLogger(StepsWorkflowImpl.class);
      log.info("workflow thread");
      Async.procedure(() -> log.info("child thread")).get();
      Workflow.newActivityStub(Step.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10)).build()).step();
    }
  }
}
