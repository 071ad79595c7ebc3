package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

  @TempDir
  Path temp;

  private Path tree;
  private Path outside;

  /** tree/{a.txt, sub/b.txt, link-to-outside -> outside/, link-to-file -> outside/keep.txt}. */
  @BeforeEach
  void buildTree() throws Exception {
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "not yours");
    tree = Files.createDirectories(temp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    Files.writeString(Files.createDirectories(tree.resolve("sub")).resolve("b.txt"), "b");
    Files.createSymbolicLink(tree.resolve("link-to-outside"), outside);
    Files.createSymbolicLink(tree.resolve("sub/link-to-file"), outside.resolve("keep.txt"));
  }

  @Test
  void deleteTreeRemovesTheRootAndDeletesLinksAsLinks() throws Exception {
    FileTrees.deleteTree(tree);

    assertThat(tree).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("not yours");
  }

  @Test
  void deleteContentsKeepsTheRootEmptyAndDeletesLinksAsLinks() throws Exception {
    FileTrees.deleteContents(tree);

    assertThat(tree).isEmptyDirectory();
    assertThat(outside.resolve("keep.txt")).hasContent("not yours");
  }

  @Test
  void sizeOfCountsTheFilesInTheTreeAndNothingBehindItsLinks() throws Exception {
    assertThat(FileTrees.sizeOf(tree)).isEqualTo("a".length() + "b".length());
  }

  @Test
  void forceTreeForcesFilesAndDirectoriesWithoutFollowingLinks() throws Exception {
    Files.createSymbolicLink(tree.resolve("dangling"), temp.resolve("gone"));

    FileTrees.forceTree(tree);

    assertThat(tree.resolve("sub/b.txt")).hasContent("b");
    assertThat(tree.resolve("dangling")).isSymbolicLink();
  }
}
