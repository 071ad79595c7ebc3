package io.otaflow.registry;

/** A token ID no token has: answered 404. */
public class UnknownTokenException extends IllegalArgumentException {

  public UnknownTokenException(String tokenId) {
    super("unknown token " + tokenId + ": `otaflow tokens list` shows the tokens there are");
  }
}
