package dev.flan4j.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes that never leave a half-written file behind: write a temp file in the same folder, fsync it, rename it over
 * the target, fsync the folder. A crash at any point leaves either the old file or the new one. Files get the usual
 * {@code rw-r--r--} and folders {@code rwxr-xr-x} (temp files start private). Failures name the target.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxr-xr-x");

    private AtomicFiles() {}

    /** Writes through a channel. */
    public interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /** Atomically replaces {@code target} with what {@code body} writes. */
    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            setPermissions(tmp, FILE);
            move(tmp, target);
            syncDir(dir);
        } catch (IOException e) {
            throw named("writing " + target, e);
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new private temp folder {@code .NAME.RANDOM} next to {@code target}, to be filled and then put in place with
     * {@link #replaceDir}. {@link #isTemp} recognizes it, so an interrupted write can be cleaned up.
     */
    public static Path createTempDir(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        try {
            createDirectories(parent);
            return Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        } catch (IOException e) {
            throw named("creating a folder next to " + target, e);
        }
    }

    /** Whether a name is one of the temp files or folders this class creates (they start with a dot). */
    public static boolean isTemp(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /**
     * Creates a folder and its parents, with a message naming the path when something in the way is a file or the
     * file system refuses.
     */
    public static void createDirectories(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException("cannot create folder " + dir + ": " + p + " is a file, not a folder");
            }
            if (Files.isDirectory(p)) break;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw named("cannot create folder " + dir, e);
        }
    }

    /** An IOException whose message says what was being done, and why it failed (the JDK often gives only a path). */
    public static IOException named(String doing, IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(doing)) return e;
        String why = reason(e);
        if (e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null && fse.getOtherFile() == null
                && doing.contains(fse.getFile())) {
            why = why.substring(fse.getFile().length() + 2);   // the path is already named
        }
        return new IOException(doing + ": " + why, e);
    }

    /** Why an I/O operation failed, in words, with the file the JDK names (if any). */
    public static String reason(IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                : e instanceof java.nio.file.NotDirectoryException ? "not a folder"
                : e instanceof java.nio.file.DirectoryNotEmptyException ? "folder not empty"
                : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() != null && !(e instanceof java.nio.file.FileSystemException) ? e.getMessage()
                : e.getClass().getSimpleName();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null) {
            return fse.getFile() + (fse.getOtherFile() != null ? " -> " + fse.getOtherFile() : "") + ": " + why;
        }
        return why;
    }

    private static void setPermissions(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the platform's defaults apply.
        }
    }

    /** Atomically replaces {@code target} with a UTF-8 string. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, ch -> {
            var b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Renames atomically (same file system), replacing the target. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    /** fsync a folder so a rename in it survives a crash (best effort where the OS refuses). */
    public static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems do not allow opening a folder; the rename is still atomic there.
        }
    }

    /**
     * Puts the complete folder {@code tmp} (a sibling of {@code dir}) in place of {@code dir}: an existing folder is
     * moved aside to {@code .NAME.old} first and deleted only after the new one is in place, so a crash leaves either
     * the old folder, the new one, or the old one under {@code .NAME.old} (which loaders fall back to).
     */
    public static void replaceDir(Path tmp, Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        setPermissions(tmp, DIR);
        syncDir(tmp);
        if (Files.exists(dir)) {
            Path old = parent.resolve("." + dir.getFileName() + ".old");
            deleteTree(old);
            move(dir, old);
            move(tmp, dir);
            deleteTree(old);
        } else {
            move(tmp, dir);
        }
        syncDir(parent);
    }

    /** Deletes a file or folder tree; nothing when it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
