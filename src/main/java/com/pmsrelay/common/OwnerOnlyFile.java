package com.pmsrelay.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a new secret file (a key, a token) that only its owner may read. On a POSIX file system
 * the file is created with {@code rw-------} before a byte is written, never written first and
 * restricted after (a window in which others could read it); elsewhere (Windows) the folder's own
 * permissions apply, and the caller is told so. Never overwrites: an existing file is {@link
 * FileAlreadyExistsException}.
 */
public final class OwnerOnlyFile {
  private OwnerOnlyFile() {}

  /** Creates {@code file} (and its folders) holding {@code content}; false when the file system has no POSIX modes. */
  public static boolean create(Path file, byte[] content) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    boolean posix;
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      posix = true;
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
      posix = false;
    }
    try {
      Files.write(file, content);
    } catch (IOException e) {
      Files.deleteIfExists(file); // never leave an empty key behind: the next start would read it
      throw e;
    }
    return posix;
  }
}
