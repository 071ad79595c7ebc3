package io.otaflow.observability;

import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Puts the rollout and robot a piece of work belongs to into the MDC of the thread doing it: every line logged while a
 * workflow or an activity runs carries {@value #ROLLOUT_ID} and {@value #ROBOT_ID} beside the SDK's own keys
 * (WorkflowId, ActivityType, ...), read from the workflow ID ({@link OtaflowNames}) and, on a robot, its task queue.
 * Register it on every worker factory, last, so that it wraps the other interceptors and their lines carry the keys
 * too.
 */
public final class LogContext extends WorkerInterceptorBase {

  public static final String ROLLOUT_ID = "rolloutId";
  public static final String ROBOT_ID = "robotId";

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outbound) {
        super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
          @Override
          public Object newChildThread(Runnable runnable, boolean detached, String name) {
            return super.newChildThread(inWorkflowContext(runnable), detached, name);
          }
        });
      }

      @Override
      public Object newWorkflowMethodThread(Runnable runnable, String name) {
        return super.newWorkflowMethodThread(inWorkflowContext(runnable), name);
      }

      @Override
      public Object newCallbackThread(Runnable runnable, String name) {
        return super.newCallbackThread(inWorkflowContext(runnable), name);
      }
    };
  }

  /**
   * Every workflow thread (the workflow method's, its children's, signal and update handlers') gets the keys when it
   * starts; the SDK clears the MDC of a workflow thread when it ends. Logging only: nothing here reaches history.
   */
  private static Runnable inWorkflowContext(Runnable runnable) {
    return () -> {
      String workflowId = Workflow.getInfo().getWorkflowId();
      put(ROLLOUT_ID, OtaflowNames.rolloutIdOf(workflowId));
      put(ROBOT_ID, OtaflowNames.robotIdOf(workflowId));
      runnable.run();
    };
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      /** Activity threads are pooled: the keys are this activity's alone, removed when it returns. */
      @Override
      public ActivityOutput execute(ActivityInput input) {
        put(ROLLOUT_ID, OtaflowNames.rolloutIdOf(info.getWorkflowId()));
        put(ROBOT_ID, OtaflowNames.robotIdOf(info.getWorkflowId())
            .or(() -> OtaflowNames.robotIdOfTaskQueue(info.getActivityTaskQueue())));
        try {
          return super.execute(input);
        } finally {
          MDC.remove(ROLLOUT_ID);
          MDC.remove(ROBOT_ID);
        }
      }
    };
  }

  private static void put(String key, Optional<String> value) {
    if (value.isPresent()) {
      MDC.put(key, value.get());
    } else {
      MDC.remove(key);
    }
  }
}
