package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.cli.Otaflow;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every {@code otaflow ...} command in docs/runbook.md's code blocks is one the CLI parses: names and options exist. */
class RunbookCommandsTest {

  /** The otaflow commands of the runbook's fenced blocks, up to a pipe, redirection or comment, split like a shell. */
  private static List<List<String>> runbookCommands() throws Exception {
    List<List<String>> commands = new ArrayList<>();
    boolean inBlock = false;
    for (String line : Files.readAllLines(DeployFiles.file("docs/runbook.md"))) {
      String text = line.strip();
      if (text.startsWith("```")) {
        inBlock = !inBlock;
      } else if (inBlock && text.startsWith("otaflow ")) {
        commands.add(words(text));
      }
    }
    return commands;
  }

  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (c == '|' || c == '>' || c == '#') {
        break;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  @Test
  void everyRunbookCommandParses() throws Exception {
    List<List<String>> commands = runbookCommands();
    assertThat(commands).extracting(command -> String.join(" ", command.subList(0, 3))).contains(
        "otaflow killswitch on", "otaflow rollout abort", "otaflow rollout rollback", "otaflow rollout status",
        "otaflow rollout robots", "otaflow audit --rollout", "otaflow rollout events");
    for (List<String> command : commands) {
      List<String> args = command.subList(1, command.size());
      CommandLine.ParseResult parsed = new CommandLine(new Otaflow()).parseArgs(args.toArray(String[]::new));
      assertThat(parsed.hasSubcommand()).as(String.join(" ", command)).isTrue();
    }
  }

  @Test
  void aMisspeltOptionDoesNotParse() {
    assertThatThrownBy(() -> new CommandLine(new Otaflow()).parseArgs("rollout", "abort", "r42", "--reason", "x", "--no-rollbak"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--no-rollbak");
  }
}
