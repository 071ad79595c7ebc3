package io.otaflow.controlplane.api;

import io.otaflow.registry.AuditLog;
import io.otaflow.registry.AuditQuery;
import io.otaflow.registry.AuditRecord;
import java.time.Instant;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail: every command people gave, accepted or refused, newest first. */
@ConditionalOnWebApplication
@RestController
class AuditController {

  private final AuditLog audit;

  AuditController(AuditLog audit) {
    this.audit = audit;
  }

  /**
   * @param rollout commands on this rollout only
   * @param user    commands by this user only
   * @param since   commands recorded at or after this instant (ISO-8601)
   * @param after   the previous page's {@code next}
   */
  @GetMapping("/api/v1/audit")
  Page<AuditRecord> audit(@RequestParam(required = false) String rollout, @RequestParam(required = false) String user,
                          @RequestParam(required = false) Instant since, @RequestParam(required = false) Long after,
                          @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    return Page.of(audit.page(new AuditQuery(rollout, user, since, after, pageSize + 1)), pageSize, row -> row,
        row -> String.valueOf(row.id()));
  }
}
