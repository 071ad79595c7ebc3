package io.otaflow.controlplane.security;

import io.otaflow.registry.UserRole;
import java.util.Comparator;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The authenticated user of the request being served: the name commands are recorded under (never a name sent in a
 * request body) and the highest otaflow role granted, null when none.
 */
public record CurrentUser(String name, UserRole role, Authentication authentication) {

  public static CurrentUser get() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !authentication.isAuthenticated()) {
      throw new IllegalStateException("no authenticated user: the security filter chain lets none through");
    }
    UserRole role = authentication.getAuthorities().stream()
        .map(GrantedAuthority::getAuthority)
        .flatMap(authority -> UserRole.ofAuthority(authority).stream())
        .max(Comparator.naturalOrder())
        .orElse(null);
    return new CurrentUser(authentication.getName(), role, authentication);
  }
}
