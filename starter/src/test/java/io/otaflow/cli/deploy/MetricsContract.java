package io.otaflow.cli.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names of deploy/prometheus/METRICS.md, and the metric names a PromQL expression selects. */
final class MetricsContract {

  static final Path DEPLOY = Path.of("..", "deploy");
  static final Path PROMETHEUS = DEPLOY.resolve("prometheus");

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|\\s*([a-z]+)\\s*\\|");
  private static final Set<String> HISTOGRAM_SERIES = Set.of("_bucket", "_sum", "_count");

  private final Map<String, String> typeByName;

  private MetricsContract(Map<String, String> typeByName) {
    this.typeByName = typeByName;
  }

  static MetricsContract read() {
    try {
      return parse(Files.readString(PROMETHEUS.resolve("METRICS.md")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Table rows whose first cell is a name in backticks: name -> type. */
  static MetricsContract parse(String markdown) {
    Map<String, String> types = new LinkedHashMap<>();
    markdown.lines().map(ROW::matcher).filter(Matcher::find).forEach(m -> types.put(m.group(1), m.group(2)));
    return new MetricsContract(types);
  }

  Set<String> names() {
    return typeByName.keySet();
  }

  /** Listed, or a histogram's _bucket/_sum/_count series. */
  boolean covers(String series) {
    if (typeByName.containsKey(series)) {
      return true;
    }
    return HISTOGRAM_SERIES.stream().anyMatch(suffix -> series.endsWith(suffix)
        && "histogram".equals(typeByName.get(series.substring(0, series.length() - suffix.length()))));
  }

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern TOKEN =
      Pattern.compile("\\$\\w+|\\d[\\d.]*(?:[eE][+-]?\\d+)?[a-zA-Z]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

  /** The metric names an expression selects: identifiers that are not functions, keywords, labels or numbers. */
  static Set<String> metricNames(String promql) {
    String s = STRINGS.matcher(promql).replaceAll(" ");
    s = MATCHERS_AND_RANGES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      if (m.group(1) != null && m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
