package io.otaflow.rollout;

import io.otaflow.domain.OtaflowSearchAttributes;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;

/** Temporal's test environment as otaflow's workflows need a namespace: with otaflow's search attributes registered. */
final class OtaflowTestEnvironment {

  private OtaflowTestEnvironment() {
  }

  static TestWorkflowEnvironment newInstance() {
    return newInstance(TestEnvironmentOptions.newBuilder());
  }

  /** With {@code options} as the test has set them so far (worker interceptors, for one). */
  static TestWorkflowEnvironment newInstance(TestEnvironmentOptions.Builder options) {
    OtaflowSearchAttributes.KEYS.forEach(key -> options.registerSearchAttribute(key.getName(), key.getValueType()));
    return TestWorkflowEnvironment.newInstance(options.build());
  }
}
