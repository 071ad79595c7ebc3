package io.otaflow.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.RolloutService.RegisteredRelease;
import io.otaflow.controlplane.UnknownReleaseException;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.registry.ReleaseRepository;
import java.net.URI;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Releases: register (signing the manifest when the control plane has a key), list, look up. */
@ConditionalOnWebApplication
@RestController
@RequestMapping("/api/v1/releases")
class ReleaseController {

  private final RolloutService rollouts;
  private final ObjectMapper json;
  private final AuditedCommands commands;
  private final ReleaseRepository releases;
  private final ImageRegistryClient images;

  ReleaseController(RolloutService rollouts, ObjectMapper json, AuditedCommands commands, ReleaseRepository releases,
                    ImageRegistryClient images) {
    this.rollouts = rollouts;
    this.images = images;
    this.releases = releases;
    this.json = json;
    this.commands = commands;
  }

  /** 201 when registered now, 200 when the identical release was registered before. */
  @PostMapping
  ResponseEntity<ReleaseView> register(@RequestBody ReleaseRegistration registration) {
    RegisteredRelease registered = commands.run(Command.RELEASE_PUBLISH, registration.version(), null,
        user -> rollouts.registerRelease(registration.toRelease(images),
            registration.labelsOrNone()));
    ReleaseView view = ReleaseView.of(registered.release(), json);
    return registered.created()
        ? ResponseEntity.created(URI.create("/api/v1/releases/" + view.version())).body(view)
        : ResponseEntity.status(HttpStatus.OK).body(view);
  }

  /**
   * One page of releases, newest first.
   *
   * @param after the previous page's {@code next}
   */
  @GetMapping
  Page<ReleaseView> list(@RequestParam(required = false) String after, @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    return Page.of(releases.releases(after, pageSize + 1), pageSize, release -> ReleaseView.of(release, json),
        ReleaseView::version);
  }

  @GetMapping("/{version}")
  ReleaseView get(@PathVariable String version) {
    return ReleaseView.of(rollouts.release(version).orElseThrow(() -> new UnknownReleaseException(version)), json);
  }
}
