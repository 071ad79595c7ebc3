package io.otaflow.registry;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a user of the REST API may do, each role including the ones before it: {@code viewer} reads everything,
 * {@code release-manager} also publishes releases and steers rollouts, {@code admin} also holds the kill switch and
 * the API tokens. Stored and sent by its name. Apart from them, {@code robot} is a robot's own credential: it may only
 * report its robot's telemetry, includes no other role and no other role includes it.
 */
public enum UserRole {
  VIEWER("viewer"),
  RELEASE_MANAGER("release-manager"),
  ADMIN("admin"),
  ROBOT("robot");

  private final String roleName;

  UserRole(String roleName) {
    this.roleName = roleName;
  }

  /** As users write it, as it is stored and as JSON carries it: {@code release-manager}. */
  @JsonValue
  public String roleName() {
    return roleName;
  }

  /** The Spring Security authority it grants: {@code ROLE_RELEASE_MANAGER}. */
  public String authority() {
    return "ROLE_" + name();
  }

  /** @throws IllegalArgumentException naming the roles there are */
  public static UserRole named(String roleName) {
    return find(roleName)
        .orElseThrow(() -> new IllegalArgumentException("unknown role '" + roleName + "': one of " + names()));
  }

  public static Optional<UserRole> find(String roleName) {
    return Arrays.stream(values()).filter(role -> role.roleName.equals(roleName)).findFirst();
  }

  /** The role a Spring Security authority like {@code ROLE_ADMIN} grants, if any. */
  public static Optional<UserRole> ofAuthority(String authority) {
    return Arrays.stream(values()).filter(role -> role.authority().equals(authority)).findFirst();
  }

  /** The roles people hold: viewer, release-manager, admin. */
  public static String names() {
    return Arrays.stream(values()).filter(role -> role != ROBOT).map(UserRole::roleName)
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return roleName;
  }
}
