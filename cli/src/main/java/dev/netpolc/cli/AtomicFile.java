package dev.netpolc.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that readers see either the old content or the new, never a part: the bytes
 * go to a temporary file in the same directory, are flushed to disk, and the temporary file is
 * renamed over the target. On any failure the temporary file is removed and the target is left.
 * A replaced file keeps its permissions, a new one gets rw-r--r--, and a symbolic link is written
 * through: the file it points to (through any chain of links, created when it does not exist yet)
 * is replaced, with the temporary file in that file's directory, and the link stays. The
 * temporary file's name is made by {@link Files#createTempFile}, never predictable.
 */
final class AtomicFile {

    private AtomicFile() {}

    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    static void write(Path target, byte[] bytes) throws IOException {
        Path absolute = throughLinks(target.toAbsolutePath());
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new IOException("it is a directory");
        }
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        try {
            boolean posix = Files.getFileStore(tmp).supportsFileAttributeView("posix");
            if (posix) {
                Files.setPosixFilePermissions(tmp, Files.exists(absolute) ? Files.getPosixFilePermissions(absolute) : NEW_FILE);
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file a chain of symbolic links ends at (which need not exist), or {@code path} itself. */
    private static Path throughLinks(Path path) throws IOException {
        Path p = path;
        for (int links = 0; Files.isSymbolicLink(p); links++) {
            if (links == 40) {
                throw new IOException("too many levels of symbolic links");
            }
            // relative to the link's directory; an absolute target replaces the path
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
        return p;
    }
}
