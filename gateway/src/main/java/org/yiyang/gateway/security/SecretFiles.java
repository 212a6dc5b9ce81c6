package org.yiyang.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold secrets: readable and writable by the gateway's own user only (0600, 0700). */
public final class SecretFiles {

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private SecretFiles() {}

  /** Creates the folder (and its parents) if missing; a folder it creates is mode 0700. */
  public static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(dir, attribute("rwx------"));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Writes a new file with mode 0600; fails if it exists. */
  public static void writePrivate(Path file, String content) throws IOException {
    if (POSIX) {
      Files.createFile(file, attribute("rw-------"));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(String mode) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
  }
}
