package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import java.io.IOException;
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

    /**
     * Opens a model (see {@link ModelLoader}) and checks its weights are finite, naming the first bad tensor;
     * {@code allowNonFinite} lets them load anyway (debugging a diverged run).
     */
    static CausalLm loadModel(Path path, Backend be, boolean allowNonFinite) throws IOException {
        if (!allowNonFinite) {
            CausalLm m = ModelLoader.load(path, be);
            try {
                Checkpoint.requireFinite(m, path);   // Hugging Face folders; checkpoints are checked while loading
                return m;
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
        }
        String before = System.getProperty(Checkpoint.ALLOW_NON_FINITE);
        System.setProperty(Checkpoint.ALLOW_NON_FINITE, "true");
        try {
            return ModelLoader.load(path, be);
        } finally {
            if (before == null) System.clearProperty(Checkpoint.ALLOW_NON_FINITE);
            else System.setProperty(Checkpoint.ALLOW_NON_FINITE, before);
        }
    }
}
