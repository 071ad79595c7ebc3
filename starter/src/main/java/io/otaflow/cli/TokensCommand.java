package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** API tokens, for admins. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = {"Issues, lists and revokes API tokens (admins only).",
        "A token is printed once, when issued: only a hash of it is kept."})
final class TokensCommand {

  private static final String ROW = "%-18s %-16s %-16s %-21s %-21s %s%n";

  @Spec
  CommandSpec spec;

  /** Whose token: a person with a role, or one robot. */
  static final class Holder {
    @ArgGroup(exclusive = false)
    Person person;
    @Option(names = "--robot", required = true, paramLabel = "ROBOT_ID",
        description = "A robot's own token, for its agent (controlPlane.tokenFile): it may only report that robot's"
            + " telemetry.")
    String robot;
  }

  static final class Person {
    @Option(names = "--user", required = true, paramLabel = "NAME", description = "Whose token it is.")
    String user;
    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, release-manager or admin.")
    String role;
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Issues a token for a user with a role, or for one robot (--robot), printed once on stdout"
          + " (details on stderr).")
  int create(@ArgGroup(exclusive = true, multiplicity = "1") Holder holder,
             @Option(names = "--expires-in", paramLabel = "DURATION", converter = DurationConverter.class,
                 defaultValue = "90d", description = "How long it works (default: ${DEFAULT-VALUE}).")
             Duration expiresIn,
             @Mixin ControlPlaneOptions controlPlane) {
    ObjectNode body = ControlPlaneClient.JSON.createObjectNode().put("expiresIn", expiresIn.toString());
    if (holder.robot != null) {
      body.put("robot", holder.robot);
    } else {
      body.put("user", holder.person.user).put("role", holder.person.role);
    }
    JsonNode issued = controlPlane.client().post("/api/v1/tokens", body).body();
    // The token alone on stdout, so that `otaflow tokens create ... > file` stores just the token.
    PrintWriter out = spec.commandLine().getOut();
    out.println(issued.get("token").asText());
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println("Issued token " + issued.get("tokenId").asText() + " for " + Listing.text(issued, "user") + " ("
        + Listing.text(issued, "role") + "), expires "
        + Listing.text(issued, "expiresAt") + ". It is shown only now: store it in a file readable by its owner only.");
    err.flush();
    return ExitCodes.OK;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists tokens, newest first, revoked and expired ones included (never the tokens themselves).")
  int list(@Option(names = "--json", description = "Print them as JSON.") boolean json,
           @Mixin ControlPlaneOptions controlPlane) throws Exception {
    JsonNode tokens = controlPlane.client().get("/api/v1/tokens").body();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tokens));
    } else {
      out.printf(ROW, "TOKEN ID", "USER", "ROLE", "EXPIRES", "REVOKED", "CREATED BY");
      tokens.forEach(token -> out.printf(ROW, Listing.text(token, "tokenId"), Listing.text(token, "user"),
          Listing.text(token, "role"), Listing.text(token, "expiresAt"), Listing.text(token, "revokedAt"),
          Listing.text(token, "createdBy")));
    }
    out.flush();
    return ExitCodes.OK;
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a token from now on: every request with it is refused.")
  int revoke(@Parameters(paramLabel = "TOKEN_ID", description = "The token's ID (tokens list).") String tokenId,
             @Mixin ControlPlaneOptions controlPlane) {
    JsonNode token = controlPlane.client().post("/api/v1/tokens/" + ControlPlaneClient.encode(tokenId) + "/revoke",
        ControlPlaneClient.JSON.createObjectNode()).body();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Token " + tokenId + " of " + Listing.text(token, "user") + " revoked at "
        + Listing.text(token, "revokedAt"));
    out.flush();
    return ExitCodes.OK;
  }
}
