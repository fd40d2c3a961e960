package dev.netloom.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a scenario file (format version 1, see docs/scenarios.md) into a validated {@link Scenario}.
 * Pure: it creates nothing; every mistake is a {@link ScenarioException} whose one-line message names
 * the file, line:column, the JSON pointer of the field, the problem and the fix.
 */
public final class ScenarioLoader {

    /**
     * The most nodes one scenario may have: twice what a 24 GiB host can hold of tiny nodes with KSM
     * (docs/benchmarks.md, scale); host memory admission refuses what this host cannot.
     */
    public static final int MAX_NODES = 1000;
    /** The most interfaces (link ends and LAN memberships) one node may have: free PCI slots 0x03 to 0x1f. */
    public static final int MAX_INTERFACES = 29;
    /**
     * The most neighbours a node on a shared medium (a link model's lan mode) may have: one tc filter
     * reaches them, and the kernel takes at most 32 actions per filter (TCA_ACT_MAX_PRIO).
     */
    public static final int MAX_MEDIUM_NEIGHBOURS = 32;
    /** The largest scenario file: ten times the biggest sensible one, and small enough to refuse before parsing. */
    public static final int MAX_FILE_BYTES = 4 << 20;

    private final ImageCheck images;

    /** {@code images} says whether an image exists; pass {@link ImageCheck#ANY} to skip that check. */
    public ScenarioLoader(ImageCheck images) {
        this.images = Objects.requireNonNull(images, "images");
    }

    /** Reads and validates {@code file}; errors name the file as given. */
    public Scenario load(Path file) {
        String source = file.toString();
        byte[] bytes;
        // bounded: a huge file (or /dev/zero) is refused after MAX_FILE_BYTES + 1 bytes, not read whole
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, "no such file; check the path", e);
        } catch (IOException e) {
            throw new ScenarioException(source, "cannot read the file: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(source, sizeOf(file));
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(SourceText.decode(bytes, source), source, dir);
    }

    /**
     * Reads and validates scenario text; {@code sourceName} stands for the file in error messages.
     * Node files must give their text inline ("content"): there is no directory for "src".
     */
    public Scenario load(String json, String sourceName) {
        return read(json, sourceName, null);
    }

    /** Reads and validates scenario text whose node files' "src" are relative to {@code baseDir}. */
    public Scenario load(String json, String sourceName, Path baseDir) {
        return read(json, sourceName, baseDir);
    }

    private Scenario read(String json, String sourceName, Path baseDir) {
        if (json.length() > MAX_FILE_BYTES || SourceText.utf8Length(json) > MAX_FILE_BYTES) {
            throw tooLarge(sourceName, SourceText.utf8Length(json));
        }
        return new ScenarioReader(JsonDoc.parse(SourceText.withoutBom(json), sourceName), images, baseDir).read();
    }

    private static ScenarioException tooLarge(String source, long bytes) {
        return new ScenarioException(source, 1, 1, "", "the file is " + (bytes > 0 ? bytes + " bytes" : "too large")
                + "; a scenario file is at most " + MAX_FILE_BYTES + " bytes (" + (MAX_FILE_BYTES >> 20) + " MiB): describe big"
                + " topologies with \"generate\" instead of listing them");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
