package io.otaflow.robot;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a robot's refusals as one line each: a refusal is a non-retryable {@link ApplicationFailure} a robot activity
 * throws on purpose (bad checksum, bad signature, archive bomb, kill switch, a release not targeted at the robot...),
 * and its message is the whole story. Register it on a robot's worker factory.
 *
 * <p>The SDK logs every failed activity attempt at WARN with its stack trace ({@code ActivityTaskExecutors}), except an
 * application failure of category {@link ApplicationErrorCategory#BENIGN}, which it logs at DEBUG. So a refusal is
 * logged here and passed on as BENIGN: type, message, details, cause and stack trace unchanged, so the workflow sees
 * the same failure. Anything else (a bug, an I/O error, a retryable failure) passes untouched and keeps its stack
 * trace.
 */
public final class RefusalLogging extends WorkerInterceptorBase {

  private static final Logger log = LoggerFactory.getLogger(RefusalLogging.class);

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        try {
          return super.execute(input);
        } catch (ApplicationFailure failure) {
          if (!failure.isNonRetryable()) {
            throw failure;
          }
          // The JSON log adds the workflow, activity and attempt from the SDK's MDC.
          log.warn("{} refused on {}: {} [{}]", info.getActivityType(), info.getActivityTaskQueue(),
              failure.getOriginalMessage(), failure.getType());
          ApplicationFailure benign = ApplicationFailure.newBuilder(failure)
              .setCause(failure.getCause())
              .setCategory(ApplicationErrorCategory.BENIGN)
              .build();
          // The server keeps the failure's stack trace: the activity's, not this interceptor's.
          benign.setStackTrace(failure.getStackTrace());
          throw benign;
        }
      }
    };
  }
}
