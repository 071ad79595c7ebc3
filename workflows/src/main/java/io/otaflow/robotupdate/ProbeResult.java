package io.otaflow.robotupdate;

/**
 * One health probe's reading.
 *
 * @param probe  battery, temperature, latency, service...
 * @param ok     whether the reading is within its threshold
 * @param detail human reading such as {@code battery 12% < 20%}
 */
public record ProbeResult(String probe, boolean ok, String detail) {
}
