package io.otaflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.otaflow.plan.InvalidPlanException;
import io.otaflow.plan.PlanValidator;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.wire.JsonFieldErrors;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** A rollout plan file, YAML or JSON, read as the control plane reads a plan, each refusal one line naming the field. */
final class PlanFile {

  /** YAML is a superset of JSON, so one reader takes both kinds of plan file. */
  private static final ObjectMapper READER = WireJson.configure(YAMLMapper.builder()).build();

  private PlanFile() {
  }

  /**
   * The file's document, unchecked beyond being an object (the control plane checks the rest).
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  static JsonNode tree(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("plan file " + file + " not found");
    } catch (IOException e) {
      throw new IllegalArgumentException("plan file " + file + " cannot be read: " + e.getMessage());
    }
    JsonNode node;
    try {
      node = READER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("plan " + file + " is not YAML or JSON: " + syntaxError(e));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("plan " + file + ": expected a YAML or JSON object");
    }
    return node;
  }

  /** What the YAML parser found wrong and where, in one line (its own message quotes the lines around it). */
  private static String syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      return yaml.getProblem() + " (line " + (yaml.getProblemMark().getLine() + 1) + ", column "
          + (yaml.getProblemMark().getColumn() + 1) + ")";
    }
    return e.getOriginalMessage().lines().findFirst().orElse("unreadable");
  }

  /**
   * The plan in the file with its defaults, checked as the control plane checks it before a rollout starts.
   *
   * @throws IllegalArgumentException naming the file and the field at fault
   */
  static RolloutPlan read(Path file) {
    JsonNode node = tree(file);
    try {
      RolloutPlan plan = READER.treeToValue(node, RolloutPlan.class).withDefaults();
      PlanValidator.validate(plan);
      return plan;
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException("plan " + file + ": " + JsonFieldErrors.describe(e));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("plan " + file + " is not a plan: " + e.getOriginalMessage());
    } catch (InvalidPlanException e) {
      throw new IllegalArgumentException("plan " + file + ": " + e.getMessage());
    }
  }
}
