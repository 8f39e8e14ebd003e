package dev.flan4j.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that never leave a half-written file behind: write a temp file in the same folder, fsync it, rename it over
 * the target, fsync the folder. A crash at any point leaves either the old file or the new one.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes through a channel. */
    public interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /** Atomically replaces {@code target} with what {@code body} writes. */
    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            move(tmp, target);
            syncDir(dir);
        } finally {
            Files.deleteIfExists(tmp);
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
