package io.otaflow.controlplane.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One horizontal bar of the dashboard: parts of a whole (robots by state in a stage, robots on a version within the
 * fleet), drawn as SVG rectangles whose x and width are percentages (attributes, not inline styles, which the page's
 * Content-Security-Policy forbids), and read out to screen readers by {@code label}.
 *
 */
public record Bar(String name, int whole, List<Segment> segments) {

  /** Every part's count, in words: "3 COMMITTED, 1 FAILED of 5". */
  public String counts() {
    return (segments.isEmpty() ? "no robots" : segments.stream().map(segment -> segment.robots() + " " + segment.title())
        .collect(Collectors.joining(", "))) + " of " + whole;
  }

  /** What the bar shows, for screen readers: its name and {@link #counts}. */
  public String label() {
    return name + ": " + counts();
  }

  /** One part: CSS class {@code cssClass}, {@code x} and {@code width} in percent of the bar. */
  public record Segment(String cssClass, String title, int robots, double x, double width) {

    public String xPercent() {
      return percent(x);
    }

    public String widthPercent() {
      return percent(width);
    }
  }

  /**
   * @param parts the parts by name, in the order drawn (zero parts are left out); each drawn with the CSS class
   *              {@code cssClasses} gives it
   * @param whole what the parts are of, at least their sum (a stage's robots, the fleet)
   */
  static Bar of(String name, Map<String, Integer> parts, int whole, Map<String, String> cssClasses) {
    List<Segment> segments = new ArrayList<>();
    double x = 0;
    for (Map.Entry<String, Integer> part : parts.entrySet()) {
      if (part.getValue() > 0) {
        double width = whole == 0 ? 0 : 100.0 * part.getValue() / whole;
        segments.add(new Segment(cssClasses.getOrDefault(part.getKey(), "other"), part.getKey(), part.getValue(), x,
            width));
        x += width;
      }
    }
    return new Bar(name, whole, List.copyOf(segments));
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.2f%%", value);
  }
}
