package io.otaflow.robot;

/**
 * Heartbeat details of a download: how many bytes of {@code staging/<version>.tar.gz.part} are forced to disk, and
 * the percentage shown to people. A retried attempt reads it back, hashes those bytes again and resumes from
 * {@code offset} instead of from zero.
 */
public record DownloadProgress(long offset, int percent) {
}
