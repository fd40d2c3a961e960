package dev.netloom.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The version and git commit this netloom was built from, baked in by the build: the project version in
 * {@code netloom/version.properties} (a filtered resource) and the commit in {@code netloom/commit.txt}
 * (git describe, "-dirty" with uncommitted changes; "unknown" when built without git).
 */
record BuildInfo(String version, String commit) {

    static final String UNKNOWN = "unknown";

    /** What this jar (or these classes) were built as; "unknown" parts when a resource is missing. */
    static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/netloom/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(p.getProperty("version"), resource("/netloom/commit.txt"));
    }

    /** A BuildInfo from the raw resources: blank or unfiltered values become "unknown". */
    static BuildInfo of(String version, String commit) {
        return new BuildInfo(clean(version), clean(commit));
    }

    /** The line `netloom --version` prints. */
    String line() {
        return "netloom " + version + " (commit " + commit + ")";
    }

    private static String clean(String s) {
        return s == null || s.isBlank() || s.contains("${") ? UNKNOWN : s.strip();
    }

    private static String resource(String name) {
        try (InputStream in = BuildInfo.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
