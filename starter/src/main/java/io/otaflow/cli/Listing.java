package io.otaflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * A list the control plane hands out in pages ({@code {items, next}}): fetched page by page up to {@code --limit},
 * printed as a table or, with {@code --json}, as one {@code {items, next}} document (next is null unless --limit left
 * items out).
 */
final class Listing {

  /** The most items the REST API hands out at once. */
  private static final int PAGE_SIZE = 1_000;

  /** {@code --limit} and {@code --json}, for every list command. */
  static final class Options {
    @Option(names = "--limit", paramLabel = "N", description = "At most N (default: ${DEFAULT-VALUE}).",
        defaultValue = "100")
    int limit;

    @Option(names = "--json", description = "Print {items, next} as JSON; next is null unless --limit left some out.")
    boolean json;
  }

  /** How to show one item as a table row. */
  record Table(String format, List<String> header, Function<JsonNode, List<String>> row) {
  }

  private Listing() {
  }

  /**
   * @param path  the list's path with its query ({@code ?} already in it, or not)
   * @param empty what to say when nothing matched
   */
  static int print(ControlPlaneClient client, String path, Options options, Table table, String empty,
                   PrintWriter out) throws JsonProcessingException {
    if (options.limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, not " + options.limit);
    }
    List<JsonNode> items = new ArrayList<>();
    String next = null;
    do {
      int wanted = Math.min(PAGE_SIZE, options.limit - items.size());
      JsonNode page = client.get(path + (path.contains("?") ? "&" : "?") + "limit=" + wanted
          + (next == null ? "" : "&after=" + ControlPlaneClient.encode(next))).body();
      page.path("items").forEach(items::add);
      next = page.path("next").isNull() || page.path("next").isMissingNode() ? null : page.get("next").asText();
    } while (next != null && items.size() < options.limit);
    if (options.json) {
      ObjectNode document = ControlPlaneClient.JSON.createObjectNode();
      document.putArray("items").addAll(items);
      document.put("next", next);
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
    } else if (items.isEmpty()) {
      out.println(empty);
    } else {
      out.printf(table.format(), table.header().toArray());
      items.forEach(item -> out.printf(table.format(), table.row().apply(item).toArray()));
      if (next != null) {
        out.println("(" + items.size() + " shown; more with --limit)");
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** A text field of an item, or "-" when it has none; instants to the second. */
  static String text(JsonNode item, String field) {
    JsonNode value = item.path(field);
    return value.isNull() || value.isMissingNode() ? "-" : value.asText().replaceFirst("\\.\\d+Z$", "Z");
  }

  /** A query parameter, or nothing when the value is null. */
  static String param(String name, String value) {
    return value == null ? "" : "&" + name + "=" + ControlPlaneClient.encode(value);
  }
}
