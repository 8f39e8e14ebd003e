package dev.flan4j.train;

import dev.flan4j.model.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * An exclusive lock on a run folder: {@code run.lock} inside it, locked with the OS ({@code fcntl}) and holding the
 * owner's pid. The OS drops the lock when the process dies, so a killed trainer never leaves the folder stuck; the
 * file itself stays and is reused. Locks taken in this JVM are also kept in a set: POSIX drops all of a process's
 * locks on a file when any of its descriptors to that file closes, so the file is never opened twice here.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";
    private static final Set<Path> HELD = new HashSet<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code runDir} (created if needed), or throws at once naming the folder and the holder's pid. */
    public static RunLock acquire(Path runDir) throws IOException {
        AtomicFiles.createDirectories(runDir);
        Path file = runDir.resolve(FILE).toAbsolutePath().normalize();
        synchronized (HELD) {
            if (HELD.contains(file)) throw inUse(runDir, file, String.valueOf(ProcessHandle.current().pid()));
            RunLock l = lock(runDir, file);
            HELD.add(file);
            return l;
        }
    }

    private static RunLock lock(Path runDir, Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw AtomicFiles.named("cannot open the lock file of run folder " + runDir, e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (IOException e) {
            ch.close();
            throw AtomicFiles.named("cannot lock run folder " + runDir, e);
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw inUse(runDir, file, holder);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new RunLock(file, ch, lock);
    }

    private static IllegalStateException inUse(Path runDir, Path file, String pid) {
        return new IllegalStateException("run folder " + runDir + " is in use by another trainer (pid " + pid
                + ", lock file " + file + "); wait for it to finish or choose another --out");
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            try {
                lock.release();
            } finally {
                channel.close();
                HELD.remove(file);
            }
        }
    }
}
