package dev.flan4j.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;

/**
 * What the Maven build recorded about the native build: {@code dev/flan4j/kernels/PLATFORM/native-build.properties}
 * of the platform jar (on the test classpath as {@code target/natives}).
 */
final class NativeBuild {
    /** The marker's resource name, relative to this package. */
    static final String MARKER = Loader.getPlatform() + "/native-build.properties";

    private NativeBuild() {}

    static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = NativeBuild.class.getResourceAsStream(MARKER)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** True when this build compiled the CUDA sources and the JNI library (nvcc was found). */
    static boolean cudaCompiled() {
        return Boolean.parseBoolean(properties().getProperty("cuda.compiled", "false"));
    }

    /** True when the marker exists at all (the Maven build ran the native step). */
    static boolean markerPresent() {
        return NativeBuild.class.getResource(MARKER) != null;
    }
}
