package io.otaflow.cli.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSideActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The robot of {@code otaflow bench download}, in a JVM of its own so that it can be killed with {@code kill -9} in
 * the middle of a download: the robot-side activities as the agent registers them, on a robot disk, polling the
 * bench's Temporal server. Arguments: the Temporal address and the robot's disk directory.
 */
public final class DownloadBenchRobot {

  /** Printed once the worker polls. */
  static final String READY = "bench robot polling";

  private DownloadBenchRobot() {
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: DownloadBenchRobot <temporal host:port> <robot dir>");
      System.exit(2);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    // The agent's heartbeat throttle: what the server holds when the robot is killed is what an agent's would hold.
    Worker worker = factory.newWorker(OtaflowNames.robotTaskQueue(DownloadBenchWorkflow.ROBOT),
        WorkerOptions.newBuilder().setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2)).build());
    RobotDisk disk = new RobotDisk(Path.of(args[1]));
    worker.registerActivitiesImplementations(RobotSideActivities.defaults(disk.dir())
        .forRobot(disk, new SimpleMeterRegistry()));
    factory.start();
    System.out.println(READY);
  }
}
