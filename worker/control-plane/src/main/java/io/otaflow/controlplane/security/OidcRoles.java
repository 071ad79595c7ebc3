package io.otaflow.controlplane.security;

import io.otaflow.registry.UserRole;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A company identity provider's JWT as an otaflow user: the name from {@code userClaim} (else {@code sub}), the roles
 * from {@code rolesClaim} (a string or a list; values other than otaflow's role names are ignored, so a token may carry
 * the company's other roles too).
 */
final class OidcRoles implements Converter<Jwt, AbstractAuthenticationToken> {

  private final String userClaim;
  private final String rolesClaim;

  OidcRoles(String userClaim, String rolesClaim) {
    this.userClaim = Objects.requireNonNull(userClaim);
    this.rolesClaim = Objects.requireNonNull(rolesClaim);
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    String user = Optional.ofNullable(jwt.getClaimAsString(userClaim)).orElse(jwt.getSubject());
    return new JwtAuthenticationToken(jwt, authorities(jwt), user);
  }

  private Collection<GrantedAuthority> authorities(Jwt jwt) {
    Object claim = jwt.getClaims().get(rolesClaim);
    List<?> values = claim instanceof Collection<?> many ? List.copyOf(many)
        : claim == null ? List.of() : List.of(claim);
    return values.stream()
        .map(String::valueOf)
        .flatMap(value -> UserRole.find(value).stream())
        // A robot's credential is an otaflow robot token, bound to its robot; no identity provider grants it.
        .filter(role -> role != UserRole.ROBOT)
        .map(role -> (GrantedAuthority) new SimpleGrantedAuthority(role.authority()))
        .toList();
  }
}
