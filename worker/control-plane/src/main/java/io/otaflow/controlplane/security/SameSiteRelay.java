package io.otaflow.controlplane.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The identity provider sends the browser back to the dashboard from its own site, and a SameSite=Strict session
 * cookie does not come along on such a navigation: the sign-in in progress (kept in the session) would be lost. A
 * callback that arrives without the session cookie is answered with a page that loads the same address again, from
 * the dashboard's own page this time, so the cookie comes with it. Once only ({@code relayed}), should cookies be off.
 */
final class SameSiteRelay extends OncePerRequestFilter {

  private static final String RELAYED = "relayed";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith(request.getContextPath() + DashboardOidc.CALLBACK_PATH)
        || request.getRequestedSessionId() != null || request.getParameter(RELAYED) != null;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String again = UriComponentsBuilder.fromUriString(request.getRequestURI()).query(request.getQueryString())
        .queryParam(RELAYED, "1").build().toUriString();
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().print("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in"
        + "</title><meta http-equiv=\"refresh\" content=\"0;url=" + HtmlUtils.htmlEscape(again) + "\"></head><body>"
        + "<p><a href=\"" + HtmlUtils.htmlEscape(again) + "\">Continue signing in</a></p></body></html>");
  }
}
