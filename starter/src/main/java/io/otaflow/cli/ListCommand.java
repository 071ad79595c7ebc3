package io.otaflow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that prints one of the control plane's paged lists ({@link Listing}), with --server, --limit, --json. */
abstract class ListCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Mixin
  Listing.Options listing;

  /** Prints the list at {@code path} (with its query), or {@code empty} when nothing matches. */
  int list(String path, Listing.Table table, String empty) throws Exception {
    return Listing.print(controlPlane.client(), path, listing, table, empty, spec.commandLine().getOut());
  }
}
