package dev.netloom.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a node's "files": each a guest path and its text, inline ({@code content}) or from a file
 * next to the scenario ({@code src}, resolved inside the scenario's directory only), with an
 * optional mode; placeholders ({@link Placeholders}) are checked here and filled at configuration.
 */
final class FilesSection {

    static final List<String> KEYS = List.of("path", "src", "content", "mode");
    /** The largest file: a routing daemon's configuration is a few KB; each is typed into a serial console. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    /** The most bytes of files one node may get. */
    static final int MAX_NODE_BYTES = 256 * 1024;
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._+@=,:~-]+)+");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    /** A file as read, with where its text came from (for placeholder errors). */
    record FileIn(Scenario.NodeFile file, SourceValue at, SourceValue textAt) {
    }

    private FilesSection() {
    }

    /** The "files" of a node, or none; {@code baseDir} is the scenario file's directory, null for text loaded without one. */
    static List<FileIn> read(SourceValue at, Path baseDir) {
        if (at == null) {
            return List.of();
        }
        List<FileIn> out = new ArrayList<>();
        Map<String, SourceValue> paths = new HashMap<>();
        long total = 0;
        for (SourceValue el : at.elements("files ({\"path\": \"/etc/frr/frr.conf\", \"src\": \"r1.conf\"} objects)")) {
            el.object("a file", KEYS);
            SourceValue pathAt = el.require("path", "add \"path\": the absolute path in the node, e.g. \"/etc/frr/frr.conf\"");
            String path = path(pathAt);
            SourceValue first = paths.putIfAbsent(path, pathAt);
            if (first != null) {
                throw pathAt.error("file " + path + " is already written by " + first.pointer() + "; give each path once");
            }
            SourceValue src = el.get("src");
            SourceValue content = el.get("content");
            if ((src == null) == (content == null)) {
                throw el.error("a file needs either \"src\" (a file next to the scenario) or \"content\" (its text), not "
                        + (src == null ? "neither" : "both"));
            }
            String text = src != null ? source(src, baseDir) : content.text("the file's text");
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            SourceValue textAt = src != null ? src : content;
            if (bytes > MAX_FILE_BYTES) {
                throw textAt.error("the file has " + bytes + " bytes; a node file has at most " + MAX_FILE_BYTES
                        + " (it is typed into the node's console): copy big files into the image instead");
            }
            total += bytes;
            if (total > MAX_NODE_BYTES) {
                throw textAt.error("the node's files have " + total + " bytes together; a node gets at most " + MAX_NODE_BYTES);
            }
            try {
                Placeholders.find(text);
            } catch (IllegalArgumentException e) {
                throw textAt.error((src != null ? "in " + src.text("a file name") + ": " : "") + e.getMessage());
            }
            SourceValue modeAt = el.get("mode");
            String mode = null;
            if (modeAt != null) {
                mode = modeAt.text("a mode such as \"0644\"");
                if (!MODE.matcher(mode).matches()) {
                    throw modeAt.error("mode \"" + mode + "\" is not an octal file mode; write e.g. \"0644\" or \"0755\"");
                }
            }
            out.add(new FileIn(new Scenario.NodeFile(path, text, mode), el, textAt));
        }
        return out;
    }

    private static String path(SourceValue at) {
        String path = at.text("an absolute path such as \"/etc/frr/frr.conf\"");
        if (!PATH.matcher(path).matches() || path.length() > 255) {
            throw at.error("\"" + path + "\" is not an absolute file path netloom can write (letters, digits and . _ + @ = , : ~ -"
                    + " between slashes, at most 255 characters); write e.g. \"/etc/frr/frr.conf\"");
        }
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw at.error("\"" + path + "\" has a \"" + part + "\" segment; write the path without it");
            }
        }
        return path;
    }

    /** The text of {@code src}: a regular file inside the scenario's directory, in UTF-8. */
    private static String source(SourceValue at, Path baseDir) {
        String name = at.text("a file name next to the scenario, e.g. \"r1.conf\"");
        if (baseDir == null) {
            throw at.error("\"src\" needs a scenario file on disk to be relative to; give the text with \"content\" instead");
        }
        Path base;
        Path file;
        try {
            base = baseDir.toRealPath();
            Path given = base.resolve(name).normalize();
            if (!given.startsWith(base)) {
                throw at.error("\"" + name + "\" is outside the scenario's directory " + base + "; put the file next to the scenario");
            }
            file = given.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw at.error("no file \"" + name + "\" next to the scenario (in " + baseDir.toAbsolutePath().normalize() + ")");
        } catch (IOException e) {
            throw at.error("cannot read \"" + name + "\": " + e.getMessage());
        }
        if (!file.startsWith(base)) {
            throw at.error("\"" + name + "\" leads (through a link) outside the scenario's directory " + base + "; put the file next to the scenario");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw at.error("\"" + name + "\" is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw at.error("cannot read \"" + name + "\": " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw at.error("\"" + name + "\" is over " + MAX_FILE_BYTES + " bytes; a node file has at most " + MAX_FILE_BYTES
                    + " (it is typed into the node's console): copy big files into the image instead");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw at.error("\"" + name + "\" is not UTF-8 text; node files are text (configuration files, scripts)");
        }
    }
}
