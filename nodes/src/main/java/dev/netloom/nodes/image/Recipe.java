package dev.netloom.nodes.image;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.Units;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An image recipe ({@code images/recipes/NAME.json}): a base image plus packages, files copied in and
 * commands run inside the rootfs. Read with {@link #load(Path)} or, without touching anything but the
 * files the recipe names, {@link #parse}; every mistake is a {@link RecipeException} that names the
 * field by JSON pointer and line:column.
 *
 * @param source     the file as the user named it (for messages)
 * @param name       the image's name in the store (default: the file's name without .json)
 * @param base       the base image: only {@code debian}
 * @param release    the Debian release
 * @param packages   packages installed on top of the base's
 * @param files      files copied in, after the base's own set-up
 * @param commands   shell commands run inside the rootfs, in order, after the files
 * @param hostname   the image's default hostname (a node's name replaces it at boot), or null
 * @param extraSpace free bytes the root file system gets beyond its contents
 * @param memoryMiB  the image's default memory, or 0 for the base's
 * @param text       the recipe file's bytes, for the build fingerprint
 */
public record Recipe(String source, String name, String base, String release, List<String> packages, List<FileCopy> files,
                     List<String> commands, String hostname, long extraSpace, int memoryMiB, byte[] text) {

    public static final List<String> BASES = List.of("debian");
    public static final long DEFAULT_EXTRA_SPACE = 256L << 20;
    static final long MAX_EXTRA_SPACE = 64L << 30;
    static final List<String> KEYS = List.of("name", "base", "release", "packages", "files", "commands", "hostname",
            "extraSpace", "memory", "description", "//", "$schema");
    static final List<String> FILE_KEYS = List.of("src", "dest", "mode");
    private static final Pattern HOSTNAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final JsonFactory FACTORY = Json.handWritten().build();

    /** One file to copy in: its contents (read from {@code src}, relative to the recipe), where and with which mode. */
    public record FileCopy(String src, String dest, String mode, byte[] content) {
    }

    public Recipe {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        commands = List.copyOf(commands);
    }

    /** Reads and checks the recipe in {@code file}; the files it copies in are read relative to the file's directory. */
    public static Recipe load(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RecipeException(source, "cannot read the recipe (" + e.getMessage() + "); check the path", e);
        }
        String fileName = file.getFileName().toString();
        String defaultName = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        Path dir = file.toAbsolutePath().getParent();
        return parse(source, bytes, defaultName, dir);
    }

    /**
     * Parses recipe {@code bytes}; {@code defaultName} is the image name when the recipe has none;
     * {@code dir} is where {@code src} paths are read from.
     */
    public static Recipe parse(String source, byte[] bytes, String defaultName, Path dir) {
        Located doc = Located.parse(source, bytes);
        JsonNode root = doc.node("");
        if (!root.isObject()) {
            throw doc.error("", "a recipe is a JSON object such as {\"base\": \"debian\", \"packages\": [\"frr\"]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw doc.error("/" + Located.escape(key), "unknown key \"" + key + "\"; valid keys: " + String.join(", ", KEYS.subList(0, 9)));
            }
        }
        String name = doc.optionalString("/name", null);
        if (name == null) {
            if (!ImageStore.NAME.matcher(defaultName).matches()) {
                throw doc.error("", "the file name \"" + defaultName + "\" is not a valid image name; add \"name\" with 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
            }
            name = defaultName;
        } else if (!ImageStore.NAME.matcher(name).matches()) {
            throw doc.error("/name", "invalid image name \"" + name + "\"; use 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
        }
        String base = doc.optionalString("/base", "debian");
        if (!BASES.contains(base)) {
            throw doc.error("/base", "unknown base image \"" + base + "\"; valid bases: " + String.join(", ", BASES));
        }
        String release = doc.optionalString("/release", DebianRootfs.DEFAULT_RELEASE);
        if (!DebianRootfs.RELEASE.matcher(release).matches()) {
            throw doc.error("/release", "invalid Debian release \"" + release + "\"; use a codename such as bookworm or trixie");
        }
        List<String> packages = doc.strings("/packages");
        for (int i = 0; i < packages.size(); i++) {
            if (!DebianRootfs.PACKAGE.matcher(packages.get(i)).matches()) {
                throw doc.error("/packages/" + i, "invalid Debian package name \"" + packages.get(i) + "\"; use a package name such as frr (no versions or options)");
            }
        }
        List<FileCopy> files = files(doc, dir);
        List<String> commands = doc.strings("/commands");
        for (int i = 0; i < commands.size(); i++) {
            String c = commands.get(i);
            if (c.isBlank() || c.indexOf('\0') >= 0) {
                throw doc.error("/commands/" + i, "a command must be non-empty text without NUL characters; fix or remove it");
            }
        }
        String hostname = doc.optionalString("/hostname", null);
        if (hostname != null && !HOSTNAME.matcher(hostname).matches()) {
            throw doc.error("/hostname", "invalid hostname \"" + hostname + "\"; use 1-63 characters of a-z, 0-9 and '-'");
        }
        long extra = DEFAULT_EXTRA_SPACE;
        String extraText = doc.optionalString("/extraSpace", null);
        if (extraText != null) {
            try {
                extra = Units.bytes(extraText);
            } catch (IllegalArgumentException e) {
                extra = -1;
            }
            if (extra < 0 || extra > MAX_EXTRA_SPACE) {
                throw doc.error("/extraSpace", "invalid size \"" + extraText + "\"; use a size such as 512M or 2G (at most 64G)");
            }
        }
        int memory = 0;
        String memoryText = doc.optionalString("/memory", null);
        if (memoryText != null) {
            long mib;
            try {
                mib = Units.mebibytes(memoryText);
            } catch (IllegalArgumentException e) {
                mib = -1;
            }
            if (mib < 64 || mib > 64 * 1024) {
                throw doc.error("/memory", "invalid memory \"" + memoryText + "\"; use whole MiB from 64M to 64G, such as 384M");
            }
            memory = (int) mib;
        }
        return new Recipe(source, name, base, release, packages, files, commands, hostname, extra, memory, bytes);
    }

    private static List<FileCopy> files(Located doc, Path dir) {
        JsonNode node = doc.node("/files");
        List<FileCopy> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw doc.error("/files", "must be a list of {\"src\": ..., \"dest\": ..., \"mode\": ...} objects");
        }
        for (int i = 0; i < node.size(); i++) {
            String at = "/files/" + i;
            if (!node.get(i).isObject()) {
                throw doc.error(at, "must be an object {\"src\": \"file next to the recipe\", \"dest\": \"/absolute/path\", \"mode\": \"0644\"}");
            }
            for (Iterator<String> it = node.get(i).fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!FILE_KEYS.contains(key)) {
                    throw doc.error(at + "/" + Located.escape(key), "unknown key \"" + key + "\"; valid keys: " + String.join(", ", FILE_KEYS));
                }
            }
            String src = doc.requiredString(at + "/src");
            String dest = doc.requiredString(at + "/dest");
            String mode = doc.optionalString(at + "/mode", "0644");
            if (src.isBlank() || Path.of(src).isAbsolute()) {
                throw doc.error(at + "/src", "\"" + src + "\" must be a path relative to the recipe file's directory");
            }
            if (!dest.startsWith("/") || dest.equals("/") || dest.endsWith("/") || dest.indexOf('\0') >= 0
                    || List.of(dest.split("/")).contains("..")) {
                throw doc.error(at + "/dest", "\"" + dest + "\" must be an absolute file path in the image, without '..', such as /etc/frr/frr.conf");
            }
            if (!mode.matches("0?[0-7]{3}")) {
                throw doc.error(at + "/mode", "invalid mode \"" + mode + "\"; use octal such as 0644 or 0755");
            }
            Path file = inside(doc, at + "/src", dir, src);
            try {
                out.add(new FileCopy(src, dest, mode, Files.readAllBytes(file)));
            } catch (IOException e) {
                throw doc.error(at + "/src", "cannot read " + file + " (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /**
     * The file {@code src} names, which must lie inside the recipe's directory {@code dir} also once
     * symbolic links are resolved: a recipe copies files into an image that others boot, so it may not
     * reach for the host's files ({@code ../../etc/shadow}, or a link to it). Real paths are compared.
     */
    private static Path inside(Located doc, String at, Path dir, String src) {
        Path file = dir.resolve(src).normalize();
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw doc.error(at, "cannot resolve the recipe's directory " + dir + " (" + e.getMessage() + ")");
        }
        String fix = "; put the file in " + realDir + " (or a folder under it) and name it relative to the recipe";
        if (!realDir.resolve(src).normalize().startsWith(realDir)) {
            throw doc.error(at, "\"" + src + "\" leaves the recipe's directory" + fix);
        }
        if (!Files.isRegularFile(file)) {
            throw doc.error(at, "no such file: " + file + "; src is relative to the recipe file's directory");
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw doc.error(at, "cannot resolve " + file + " (" + e.getMessage() + ")");
        }
        if (!real.startsWith(realDir)) {
            throw doc.error(at, "\"" + src + "\" is a symbolic link to " + real + ", outside the recipe's directory"
                    + fix + " (copy it there instead of linking to it)");
        }
        return real;
    }

    /** A JSON document with the line:column of every value, by JSON pointer. Comments are allowed. */
    static final class Located {

        private final String source;
        private final Map<String, JsonLocation> at = new HashMap<>();
        private JsonNode root;

        private Located(String source) {
            this.source = source;
        }

        static Located parse(String source, byte[] bytes) {
            Located doc = new Located(source);
            try (JsonParser p = FACTORY.createParser(bytes)) {
                if (p.nextToken() == null) {
                    throw new RecipeException(source, 1, 1, "", "the file is empty; a recipe is a JSON object such as {\"base\": \"debian\", \"packages\": [\"frr\"]}");
                }
                doc.root = doc.read(p, "");
                if (p.nextToken() != null) {
                    throw doc.error("", "unexpected content after the end of the recipe object; remove it");
                }
            } catch (JsonProcessingException e) {
                JsonLocation loc = e.getLocation();
                throw new RecipeException(source, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), "",
                        "invalid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("") + "; fix the syntax here");
            } catch (IOException e) {
                throw new RecipeException(source, "cannot read: " + e.getMessage(), e);
            }
            return doc;
        }

        private JsonNode read(JsonParser p, String pointer) throws IOException {
            at.put(pointer, p.currentTokenLocation());
            switch (p.currentToken()) {
                case START_OBJECT -> {
                    ObjectNode object = Json.MAPPER.createObjectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        String child = pointer + "/" + escape(name);
                        if (object.has(name)) {
                            throw new RecipeException(source, p.currentTokenLocation().getLineNr(), p.currentTokenLocation().getColumnNr(),
                                    child, "duplicate key \"" + name + "\"; keep only one");
                        }
                        p.nextToken();
                        object.set(name, read(p, child));
                    }
                    return object;
                }
                case START_ARRAY -> {
                    var array = Json.MAPPER.createArrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        array.add(read(p, pointer + "/" + i++));
                    }
                    return array;
                }
                default -> {
                    return Json.MAPPER.readTree(p);
                }
            }
        }

        static String escape(String key) {
            return key.replace("~", "~0").replace("/", "~1");
        }

        JsonNode node(String pointer) {
            JsonNode n = pointer.isEmpty() ? root : root.at(pointer);
            return n == null || n.isMissingNode() ? null : n;
        }

        RecipeException error(String pointer, String problem) {
            JsonLocation loc = at.get(pointer);
            return new RecipeException(source, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), pointer, problem);
        }

        String optionalString(String pointer, String fallback) {
            JsonNode n = node(pointer);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isTextual()) {
                throw error(pointer, "must be a string, not " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            return n.asText();
        }

        String requiredString(String pointer) {
            String s = optionalString(pointer, null);
            if (s == null) {
                String parent = pointer.substring(0, pointer.lastIndexOf('/'));
                throw error(parent, "missing \"" + pointer.substring(pointer.lastIndexOf('/') + 1) + "\"; add it");
            }
            return s;
        }

        List<String> strings(String pointer) {
            JsonNode n = node(pointer);
            List<String> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isArray()) {
                throw error(pointer, "must be a list of strings, such as [\"a\", \"b\"]");
            }
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isTextual()) {
                    throw error(pointer + "/" + i, "must be a string");
                }
                out.add(n.get(i).asText());
            }
            return out;
        }
    }
}
