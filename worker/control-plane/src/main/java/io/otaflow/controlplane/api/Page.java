package io.otaflow.controlplane.api;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: its items and the cursor of the next page ({@code after} for the next request), null on the
 * last page.
 */
public record Page<T>(List<T> items, String next) {

  /**
   * The page from rows read with one row more than {@code limit}, which tells whether another page follows.
   *
   * @param cursor the cursor of an item: the next page starts after the last item shown
   */
  static <R, T> Page<T> of(List<R> rowsPlusOne, int limit, Function<R, T> view, Function<T, String> cursor) {
    List<T> items = rowsPlusOne.stream().limit(limit).map(view).toList();
    return new Page<>(items, rowsPlusOne.size() > limit ? cursor.apply(items.get(items.size() - 1)) : null);
  }
}
