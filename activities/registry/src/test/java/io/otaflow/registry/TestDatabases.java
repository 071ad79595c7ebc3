package io.otaflow.registry;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs each {@link OnEachDatabase} test on H2 (a new file database, as the control plane opens it) and on PostgreSQL
 * (a new schema in the database OTAFLOW_TEST_PG_URL names, user and password in the URL), dropped after the test.
 * Without that variable the PostgreSQL runs are skipped, saying how to get them; with OTAFLOW_REQUIRE_TOOLS=1 (CI)
 * they fail instead.
 */
final class TestDatabases implements TestTemplateInvocationContextProvider {

  static final String PG_URL = "OTAFLOW_TEST_PG_URL";
  static final String REQUIRE_TOOLS = "OTAFLOW_REQUIRE_TOOLS";

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestDatabases.class);

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return true;
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    return Stream.of(TestDatabase.Kind.values()).map(OnDatabase::new);
  }

  /**
   * The PostgreSQL database the tests may use, from {@code env}; without one, aborts the test (skipped, with how to
   * get it) or, when tools are required, fails it.
   */
  static String postgresUrl(UnaryOperator<String> env) {
    String url = env.apply(PG_URL);
    if (url != null && url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    String why = PG_URL + (url == null || url.isBlank() ? " is not set" : " is not a jdbc:postgresql: URL")
        + ": to run the registry tests on PostgreSQL too, install it (apt-get install postgresql), start a cluster and"
        + " set " + PG_URL + "=jdbc:postgresql://127.0.0.1:5432/otaflow?user=otaflow (.ci/run does)";
    if ("1".equals(env.apply(REQUIRE_TOOLS))) {
      throw new AssertionError(why + "; " + REQUIRE_TOOLS + "=1 makes a skipped database a failure");
    }
    Assumptions.abort(why);
    throw new IllegalStateException("unreachable");
  }

  /** One run of a test on one kind of database: its new database lives in the test's store, closed after it. */
  private record OnDatabase(TestDatabase.Kind kind) implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return kind == TestDatabase.Kind.H2 ? "H2" : "PostgreSQL";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new Resolver(kind));
    }
  }

  private record Resolver(TestDatabase.Kind kind) implements BeforeEachCallback, ParameterResolver {

    @Override
    public void beforeEach(ExtensionContext context) {
      String pgUrl = kind == TestDatabase.Kind.POSTGRESQL ? postgresUrl(System::getenv) : null;
      context.getStore(NAMESPACE).put(TestDatabase.class, new TestDatabase(kind, pgUrl));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == TestDatabase.class || type == Jdbi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      TestDatabase database = context.getStore(NAMESPACE).get(TestDatabase.class, TestDatabase.class);
      return parameter.getParameter().getType() == Jdbi.class ? database.jdbi() : database;
    }
  }
}
