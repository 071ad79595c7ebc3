package io.otaflow.robot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Heartbeat details of a download: how many bytes of {@code staging/<version>.tar.gz.part} are forced to disk, and
 * the percentage written so far, shown to people. A retried attempt reads it back, hashes those bytes again and
 * resumes from {@code offset} instead of from zero. Older agents also sent a serialized digest state
 * ({@code sha256State}): it is ignored, so their heartbeats still resume.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DownloadProgress(long offset, int percent) {
}
