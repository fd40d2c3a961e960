package dev.netloom.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A MiniWorld scenario file and the files it names. MiniWorld resolved paths against its working
 * directory ("tests/core_topologies/chain5.xml"); netloom looks for each in the --topologies
 * directory, then beside the scenario, by the path as written and by its file name.
 */
public final class MiniWorldFiles implements MiniWorldImport.Files {

    private static final ObjectMapper READER = new ObjectMapper(Json.handWritten().build());
    private static final long MAX_BYTES = 4L << 20;

    private final Path file;
    private final List<Path> dirs = new ArrayList<>();

    public MiniWorldFiles(Path file, Path topologies) {
        this.file = file;
        if (topologies != null) {
            if (!Files.isDirectory(topologies)) {
                throw new BadInputException("--topologies " + topologies + " is not a directory; give the directory that holds the CORE files");
            }
            dirs.add(topologies);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            dirs.add(parent);
        }
    }

    /** The scenario, read with MiniWorld's // comments. */
    public JsonNode scenario() {
        try {
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file + " is not a file; give a MiniWorld scenario (.json)");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new BadInputException(file + " is larger than 4 MiB; a MiniWorld scenario is a small JSON file");
            }
            return READER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + " is not JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + "); give a MiniWorld scenario");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Override
    public CoreXml.Topology topology(String path) {
        return CoreXml.read(find(path, "CORE topology"));
    }

    @Override
    public List<String> commandFile(String path) {
        try {
            return Files.readAllLines(find(path, "shell command file"));
        } catch (IOException e) {
            throw new BadInputException("cannot read the shell command file " + path + ": " + e.getMessage());
        }
    }

    private Path find(String path, String what) {
        Set<Path> tried = new LinkedHashSet<>();
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            tried.add(p);
        }
        for (Path dir : dirs) {
            if (!p.isAbsolute()) {
                tried.add(dir.resolve(p).normalize());
            }
            if (p.getFileName() != null) {
                tried.add(dir.resolve(p.getFileName()));
            }
        }
        for (Path t : tried) {
            if (Files.isRegularFile(t)) {
                return t;
            }
        }
        throw new BadInputException(what + " \"" + path + "\" not found (looked at " + String.join(", ", tried.stream().map(Path::toString).toList())
                + "); give --topologies DIR, the directory that holds it");
    }
}
