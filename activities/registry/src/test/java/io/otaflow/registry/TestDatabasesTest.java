package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Without a PostgreSQL database its runs are skipped, saying how to get one, or fail where tools are required. */
class TestDatabasesTest {

  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/otaflow?user=otaflow";

  @Test
  void aPostgresqlUrlIsUsed() {
    assertThat(TestDatabases.postgresUrl(Map.of(TestDatabases.PG_URL, URL)::get)).isEqualTo(URL);
  }

  @Test
  void withoutOneThePostgresqlRunIsSkippedSayingHowToGetIt() {
    assertThatThrownBy(() -> TestDatabases.postgresUrl(Map.<String, String>of()::get))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("OTAFLOW_TEST_PG_URL is not set")
        .hasMessageContaining("apt-get install postgresql");
    assertThatThrownBy(() -> TestDatabases.postgresUrl(Map.of(TestDatabases.PG_URL, "jdbc:h2:mem:x")::get))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("is not a jdbc:postgresql: URL");
  }

  @Test
  void withoutOneThePostgresqlRunFailsWhenToolsAreRequired() {
    assertThatThrownBy(() -> TestDatabases.postgresUrl(Map.of(TestDatabases.REQUIRE_TOOLS, "1")::get))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("OTAFLOW_TEST_PG_URL is not set")
        .hasMessageContaining("OTAFLOW_REQUIRE_TOOLS=1");
  }
}
