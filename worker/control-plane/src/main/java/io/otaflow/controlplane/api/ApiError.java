package io.otaflow.controlplane.api;

/** Every error the REST API answers: one specific sentence, never a stack trace. */
public record ApiError(String error) {
}
