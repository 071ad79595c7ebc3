package io.otaflow.registry;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Keyset paging, newest first, over a table whose rows have a time and a unique key: ordered by (time, key)
 * descending, a page after a row holds the rows before its (time, key). The cursor is just that row's key: the same
 * query reads its time by primary key, so a client pages with the last key it was shown. An unknown key gives an
 * empty page.
 */
record NewestFirst(String table, String timeColumn, String keyColumn) {

  /**
   * A query for one page of the rows meeting every one of {@code conditions} (SQL over the table's columns, bound by
   * the caller), after the row keyed {@code afterKey} (null for the first page), at most {@code limit} of them.
   */
  Query page(Handle h, List<String> conditions, String afterKey, int limit) {
    List<String> where = new ArrayList<>(conditions);
    if (afterKey != null) {
      where.add("(" + timeColumn + ", " + keyColumn + ") < (SELECT " + timeColumn + ", " + keyColumn + " FROM "
          + table + " WHERE " + keyColumn + " = :after)");
    }
    String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    Query page = h.createQuery("SELECT * FROM " + table + filter
        + " ORDER BY " + timeColumn + " DESC, " + keyColumn + " DESC LIMIT :limit").bind("limit", limit);
    return afterKey == null ? page : page.bind("after", afterKey);
  }
}
