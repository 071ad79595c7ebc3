package io.otaflow.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test run once on H2 and once on PostgreSQL, each time on a new, empty database that its parameters (and its
 * {@code @BeforeEach} methods' parameters) of type {@link TestDatabase} or {@link org.jdbi.v3.core.Jdbi} (migrated)
 * share. See {@link TestDatabases} for when the PostgreSQL run is skipped.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(TestDatabases.class)
@interface OnEachDatabase {
}
