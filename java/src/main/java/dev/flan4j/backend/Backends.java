package dev.flan4j.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses a backend by name: {@code cpu}, {@code cuda} or {@code auto} (CUDA when a device works, else CPU).
 * The default comes from the system property {@code flan4j.backend}, then the environment variable
 * {@code FLAN4J_BACKEND}, then {@code auto}.
 */
public final class Backends {
    public static final String PROPERTY = "flan4j.backend";
    public static final String ENV = "FLAN4J_BACKEND";
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static volatile boolean logged;

    private Backends() {}

    /** The configured backend name (property, environment, or "auto"). */
    public static String configuredName() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) v = System.getenv(ENV);
        return v == null || v.isBlank() ? "auto" : v.trim();
    }

    /** The backend the configuration selects. */
    public static Backend create() {
        return create(configuredName());
    }

    /** A backend by name: cpu | cuda | auto (case-insensitive). */
    public static Backend create(String name) {
        if (name == null) throw new IllegalArgumentException("backend name is null; use cpu, cuda or auto");
        String n = name.trim().toLowerCase(Locale.ROOT);
        List<BackendProvider> providers = providers();
        switch (n) {
            case "cpu":
                return new CpuBackend();
            case "auto": {
                StringBuilder skipped = new StringBuilder();
                for (BackendProvider p : providers) {
                    String why = p.unavailableReason();
                    if (why == null) return log(p.create(), "auto", "");
                    skipped.append("; ").append(p.name()).append(" unavailable: ").append(why);
                }
                return log(new CpuBackend(), "auto", skipped.toString());
            }
            default: {
                for (BackendProvider p : providers) {
                    if (p.name().equals(n)) {
                        String why = p.unavailableReason();
                        if (why != null) throw new IllegalStateException("backend '" + n + "' is unavailable: " + why);
                        return log(p.create(), n, "");
                    }
                }
                if (n.equals("cuda")) {
                    throw new IllegalStateException("backend 'cuda' is not available in this build (no CUDA provider found)");
                }
                throw new IllegalArgumentException("unknown backend '" + name + "'; use cpu, cuda or auto");
            }
        }
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        return list;
    }

    private static Backend log(Backend b, String requested, String why) {
        logOnce("backend " + requested + " -> " + b.name() + " (" + b.device() + ")" + why);
        return b;
    }

    private static void logOnce(String msg) {
        if (!logged) {
            logged = true;
            LOG.info(msg);
        }
    }
}
