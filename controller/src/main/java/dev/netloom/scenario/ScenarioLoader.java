package dev.netloom.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** The most nodes one scenario may have. */
    public static final int MAX_NODES = 250;
    /** The most interfaces (link ends and LAN memberships) one node may have: free PCI slots. */
    public static final int MAX_INTERFACES = 29;

    private final ImageCheck images;

    /** {@code images} says whether an image exists; pass {@link ImageCheck#ANY} to skip that check. */
    public ScenarioLoader(ImageCheck images) {
        this.images = Objects.requireNonNull(images, "images");
    }

    /** Reads and validates {@code file}; errors name the file as given. */
    public Scenario load(Path file) {
        String source = file.toString();
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, "no such file; check the path", e);
        } catch (IOException e) {
            throw new ScenarioException(source, "cannot read the file: " + e.getMessage(), e);
        }
        return load(json, source);
    }

    /** Reads and validates scenario text; {@code sourceName} stands for the file in error messages. */
    public Scenario load(String json, String sourceName) {
        return new ScenarioReader(JsonDoc.parse(json, sourceName), images).read();
    }
}
