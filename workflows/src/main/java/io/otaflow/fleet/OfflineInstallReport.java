package io.otaflow.fleet;

import java.time.Instant;

/**
 * A release a robot installed from a bundle, with no network, as it reports it when it next registers.
 *
 * @param version          the bundle's release, or null when the bundle could not be read
 * @param previousVersion  the version installed before (null: none)
 * @param installedVersion the version installed after: the bundle's when committed, else the one kept
 * @param outcome          COMMITTED, REFUSED, ROLLED_BACK or ROLLBACK_FAILED
 * @param reason           what happened, in one line
 * @param at               when the install ended, on the robot's clock
 */
public record OfflineInstallReport(String version, String previousVersion, String installedVersion, String outcome,
                                   String reason, Instant at) {
}
