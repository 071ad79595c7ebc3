package io.otaflow.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.time.Duration;

/**
 * The one JSON configuration of what otaflow's parts exchange outside Temporal: the REST API's bodies (control plane
 * and CLI), the plan and target the registry keeps, sensors.json, and the CLI's --json output. With it, what the CLI
 * sends, the control plane stores and the registry reads back are the same text:
 * <ul>
 *   <li>java.time values as ISO-8601 text: a 30-second bake is {@code "PT30S"}, not a number;</li>
 *   <li>durations read in every form people write them ({@code 30s}, {@code 10m}, {@code 1h}, a number of seconds,
 *       ISO-8601), so a plan file and a request body take the same values;</li>
 *   <li>an unknown field is refused: a misspelt plan field ({@code bakeTim}) is an error, not a silent default.</li>
 * </ul>
 * Jackson is the library the Temporal SDK serializes these same records with; Temporal's own payloads keep the SDK's
 * converter, whose bytes recorded histories hold. Bytes that must never change keep their own encoders: a release
 * manifest's canonical bytes and a robot's state.json.
 */
public final class WireJson {

  private WireJson() {
  }

  /** A mapper with this configuration; each call returns a new one, so nobody reconfigures another's. */
  public static JsonMapper mapper() {
    return configure(JsonMapper.builder()).build();
  }

  /** Applies this configuration to any format's builder (YAML for plan files and agent.yaml). */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder
        // jackson-datatype-jsr310 comes with the Temporal SDK; found rather than named, as the SDK ships it at runtime.
        .findAndAddModules()
        // Added after the Java time module, so it replaces that module's Duration reader.
        .addModule(new SimpleModule("otaflow-durations").addDeserializer(Duration.class, new HumanDurationDeserializer()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
