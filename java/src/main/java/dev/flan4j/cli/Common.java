package dev.flan4j.cli;

import dev.flan4j.data.Collection;
import java.nio.file.Path;

/** Helpers shared by the commands. */
final class Common {
    private Common() {}

    /** The collection in {@code dir}, or the built-in one when dir is null. */
    static Collection collection(Path dir) {
        if (dir != null) return Collection.load(dir);
        if (!Collection.builtInAvailable()) {
            throw new IllegalStateException("the built-in mini-FLAN collection is not on the classpath (flan4j-data)");
        }
        return Collection.builtIn();
    }
}
