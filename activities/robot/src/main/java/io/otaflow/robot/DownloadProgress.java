package io.otaflow.robot;

/**
 * Heartbeat details of a download: how many bytes of {@code staging/<version>.tar.gz.part} are on disk, the SHA-256
 * state after exactly those bytes (BouncyCastle's encoded {@code SHA256Digest} state, Base64), and the percentage
 * shown to people. A retried attempt reads it back and resumes from {@code offset} instead of from zero.
 */
public record DownloadProgress(long offset, String sha256State, int percent) {
}
