package dev.netloom.nodes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.netloom.nodes.qemu.Accel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The defaults a user sets once: the image store, the run directory, the acceleration and the API's
 * listen address. Each is resolved in one order, flag &gt; environment &gt; config file &gt; built-in, and
 * remembers where it came from ({@code netloom config show} prints both). The file is
 * {@code $NETLOOM_CONFIG}, else {@code /etc/netloom/config.json} for root, else
 * {@code $XDG_CONFIG_HOME/netloom/config.json} (or {@code ~/.config/netloom/config.json}): one JSON
 * object of strings, comments allowed. A bad value, wherever it came from, is bad input naming its source.
 */
public final class Config {

    /** One setting: its key in the file, its environment variable and its flag (null: no flag). */
    public enum Key {
        IMAGES("images", "NETLOOM_IMAGES", null, "the image store"),
        RUN("run", "NETLOOM_RUN", null, "where run directories live"),
        ACCEL("accel", "NETLOOM_ACCEL", "--accel", "kvm, tcg or auto"),
        LISTEN("listen", "NETLOOM_LISTEN", "--listen", "also serve the API of up and serve on this loopback address:port");

        public final String key;
        public final String env;
        public final String flag;
        public final String meaning;

        Key(String key, String env, String flag, String meaning) {
            this.key = key;
            this.env = env;
            this.flag = flag;
            this.meaning = meaning;
        }

        static String choices() {
            return Arrays.stream(values()).map(k -> "\"" + k.key + "\"").collect(Collectors.joining(", "));
        }
    }

    /** A resolved setting: its value (null: unset, e.g. no listen address) and where it came from. */
    public record Value(Key key, String value, String source) {
    }

    private static final JsonFactory FACTORY = Json.handWritten().build();
    private static volatile Config current;

    private final Path file;
    private final boolean fileExists;
    private final Map<Key, Value> values;

    private Config(Path file, boolean fileExists, Map<Key, Value> values) {
        this.file = file;
        this.fileExists = fileExists;
        this.values = values;
    }

    /** This process's settings: the environment and the config file, read once. */
    public static Config current() {
        Config c = current;
        if (c == null) {
            boolean root = "root".equals(System.getProperty("user.name"));
            c = load(System.getenv(), fileFor(System.getenv(), root, System.getProperty("user.home")),
                    root, System.getProperty("user.name"), System.getProperty("user.home"));
            current = c;
        }
        return c;
    }

    /** The config file this user's netloom reads (it may not exist). */
    public static Path fileFor(Map<String, String> env, boolean root, String userHome) {
        String named = env.get("NETLOOM_CONFIG");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        if (root) {
            return Path.of("/etc/netloom/config.json");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".config");
        return base.resolve("netloom").resolve("config.json");
    }

    /** Resolves every setting from {@code env}, {@code file} (absent: skipped) and the built-ins; checks each value. */
    public static Config load(Map<String, String> env, Path file, boolean root, String user, String userHome) {
        Map<Key, Value> fromFile = readFile(file);
        Map<Key, Value> values = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            String e = env.get(k.env);
            Value v;
            if (e != null && !e.isBlank()) {
                v = new Value(k, e, "environment " + k.env);
            } else if (fromFile.containsKey(k)) {
                v = fromFile.get(k);
            } else {
                v = new Value(k, builtIn(k, env, root, user, userHome), "built-in");
            }
            check(v);
            values.put(k, v);
        }
        return new Config(file, Files.isRegularFile(file), values);
    }

    public Path file() {
        return file;
    }

    public boolean fileExists() {
        return fileExists;
    }

    /** The setting, from the environment, the file or the built-in. */
    public Value get(Key key) {
        return values.get(key);
    }

    /** The setting with a command's flag first: {@code flag} when given (checked), else {@link #get(Key)}. */
    public Value get(Key key, String flag) {
        if (flag == null) {
            return get(key);
        }
        Value v = new Value(key, flag, "flag " + key.flag);
        check(v);
        return v;
    }

    public Path images() {
        return Path.of(get(Key.IMAGES).value());
    }

    public Path runDir() {
        return Path.of(get(Key.RUN).value());
    }

    /** The acceleration: {@code flag} (null: not given), else the environment, file or auto. */
    public Accel accel(String flag) {
        return Accel.parse(get(Key.ACCEL, flag).value());
    }

    /** The API's TCP address: {@code flag} (null: not given), else the environment or file; null when none is set. */
    public InetSocketAddress listen(String flag) {
        Value v = get(Key.LISTEN, flag);
        return v.value() == null ? null : loopback(v.value(), where(v));
    }

    /** Parses a listen address: a loopback address and a port; anything else is bad input naming {@code where}. */
    public static InetSocketAddress loopback(String text, String where) {
        int colon = text.lastIndexOf(':');
        try {
            InetAddress address = InetAddress.getByName(text.substring(0, colon));
            int port = Integer.parseInt(text.substring(colon + 1));
            if (!address.isLoopbackAddress() || port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
            return new InetSocketAddress(address, port);
        } catch (Exception e) {
            throw new BadInputException(where + ": give a loopback address and a port, e.g. 127.0.0.1:7777 (the API is never served beyond this host)");
        }
    }

    private static String builtIn(Key k, Map<String, String> env, boolean root, String user, String userHome) {
        return switch (k) {
            case IMAGES -> xdg(env, "XDG_DATA_HOME", userHome, ".local", "share").resolve("images").toString();
            case RUN -> {
                if (root) {
                    yield "/run/netloom";
                }
                String xdg = env.get("XDG_RUNTIME_DIR");
                yield xdg != null && !xdg.isBlank() ? Path.of(xdg, "netloom").toString() : Path.of("/tmp", "netloom-" + user).toString();
            }
            case ACCEL -> "auto";
            case LISTEN -> null;
        };
    }

    static Path xdg(Map<String, String> env, String variable, String userHome, String... underHome) {
        String xdg = env.get(variable);
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, underHome);
        return base.resolve("netloom");
    }

    /** How an error names where a value came from: the flag, the variable or the file and line. */
    private static String where(Value v) {
        if (v.source().startsWith("flag ")) {
            return v.key().flag + " " + v.value();
        }
        if (v.source().startsWith("environment ")) {
            return v.key().env + "=" + v.value();
        }
        return v.source().substring("file ".length()) + ": \"" + v.key().key + "\": \"" + v.value() + "\"";
    }

    private static void check(Value v) {
        if (v.value() == null) {
            return;
        }
        switch (v.key()) {
            case ACCEL -> {
                try {
                    Accel.parse(v.value());
                } catch (BadInputException e) {
                    if (v.source().startsWith("flag ")) {
                        throw e;
                    }
                    throw new BadInputException(where(v) + ": unknown acceleration; use one of kvm, tcg, auto");
                }
            }
            case LISTEN -> loopback(v.value(), where(v));
            case IMAGES, RUN -> {
                if (v.source().startsWith("file ") && !Path.of(v.value()).isAbsolute()) {
                    throw new BadInputException(where(v) + ": give an absolute directory for " + v.key().meaning);
                }
            }
        }
    }

    /** The file's settings, each with its source "file PATH:LINE"; a missing file has none. */
    private static Map<Key, Value> readFile(Path file) {
        Map<Key, Value> out = new EnumMap<>(Key.class);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new BadInputException("cannot read the config file " + file + ": " + e.getMessage()
                    + " (fix its permissions, or point NETLOOM_CONFIG at another file)");
        }
        String fix = " (the config file is one JSON object of strings, e.g. {\"accel\": \"tcg\"}; keys: " + Key.choices() + ")";
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(file + ":" + line(p) + ": expected a JSON object" + fix);
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                int line = line(p);
                Key key = Arrays.stream(Key.values()).filter(k -> k.key.equals(name)).findFirst().orElseThrow(() ->
                        new BadInputException(file + ":" + line + ": unknown key \"" + name + "\"; use one of " + Key.choices()));
                if (out.containsKey(key)) {
                    throw new BadInputException(file + ":" + line + ": \"" + name + "\" is given twice; keep one");
                }
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw new BadInputException(file + ":" + line + ": \"" + name + "\" must be a string: " + key.meaning + fix);
                }
                out.put(key, new Value(key, p.getText(), "file " + file + ":" + line));
            }
            if (p.nextToken() != null) {
                throw new BadInputException(file + ":" + line(p) + ": text after the JSON object" + fix);
            }
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
                    + ": not valid JSON: " + e.getOriginalMessage() + fix);
        } catch (IOException e) {
            throw new BadInputException("cannot read the config file " + file + ": " + e.getMessage());
        }
        return out;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }
}
