package io.otaflow.controlplane.api;

import io.otaflow.registry.AuditLog;
import io.otaflow.registry.AuditQuery;
import io.otaflow.registry.AuditRecord;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail: every command people gave, accepted or refused, newest first. */
@RestController
class AuditController {

  private final AuditLog audit;

  AuditController(AuditLog audit) {
    this.audit = audit;
  }

  /** One page of the audit trail; {@code before} is the previous page's {@code next}. */
  public record AuditPage(List<AuditRecord> events, Long next) {
  }

  /**
   * @param rollout commands on this rollout only
   * @param user    commands by this user only
   * @param since   commands recorded at or after this instant (ISO-8601)
   */
  @GetMapping("/api/v1/audit")
  AuditPage audit(@RequestParam(required = false) String rollout, @RequestParam(required = false) String user,
                  @RequestParam(required = false) Instant since, @RequestParam(required = false) Long before,
                  @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    List<AuditRecord> rows = audit.page(new AuditQuery(rollout, user, since, before, pageSize + 1));
    List<AuditRecord> page = rows.stream().limit(pageSize).toList();
    return new AuditPage(page, rows.size() > pageSize ? page.get(page.size() - 1).id() : null);
  }
}
