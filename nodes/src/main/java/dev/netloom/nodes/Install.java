package dev.netloom.nodes;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where netloom's shared files are (the image recipes and example scenarios) and how a user runs it:
 * a clone's root and {@code ./netloom}, or {@code /usr/share/netloom} and {@code netloom} when installed
 * from the Debian package. The one place that knows the install layout: the launcher passes
 * {@code -Dnetloom.home} and {@code -Dnetloom.command}; without them (tests, {@code java -jar}) the home
 * is found from the jar's place, the nearest directory above it with {@code images/recipes}.
 *
 * @param home    the directory holding {@code images/} and {@code scenarios/}, if known
 * @param command how the user starts netloom, for the commands netloom's messages suggest
 */
public record Install(Optional<Path> home, String command) {

    /** The package's home: /usr/bin/netloom runs the jar from here. */
    public static final Path PACKAGE_HOME = Path.of("/usr/share/netloom");

    private static final Install CURRENT = detect();

    /** The layout this netloom runs from. */
    public static Install current() {
        return CURRENT;
    }

    /** Shorthand for {@code current().command()}: "./netloom" in a clone, "netloom" when installed. */
    public static String cli() {
        return CURRENT.command;
    }

    /** The image recipes ({@code images/recipes}), if the home is known. */
    public Optional<Path> recipes() {
        return home.map(h -> h.resolve("images").resolve("recipes"));
    }

    /** The example scenarios ({@code scenarios}), if the home is known. */
    public Optional<Path> scenarios() {
        return home.map(h -> h.resolve("scenarios"));
    }

    /** The recipe file of a recipe named without its path ({@code frr-router}), if the home has one. */
    public Optional<Path> recipe(String name) {
        return recipes().map(r -> r.resolve(name + ".json")).filter(Files::isRegularFile);
    }

    /** The -D options that give another netloom JVM (the controller `up` starts) this layout. */
    public java.util.List<String> systemProperties() {
        java.util.List<String> out = new java.util.ArrayList<>();
        home.ifPresent(h -> out.add("-Dnetloom.home=" + h));
        out.add("-Dnetloom.command=" + command);
        return out;
    }

    static Install detect() {
        String home = System.getProperty("netloom.home");
        String command = System.getProperty("netloom.command", "./netloom");
        if (home != null && !home.isBlank()) {
            return new Install(Optional.of(Path.of(home).toAbsolutePath().normalize()), command);
        }
        return new Install(findHome(codeLocation()), command);
    }

    /** The nearest of {@code start} and its parents (at most three up) that holds images/recipes. */
    static Optional<Path> findHome(Path start) {
        Path p = start;
        for (int i = 0; p != null && i < 4; i++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("images").resolve("recipes"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Path codeLocation() {
        try {
            return Path.of(Install.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
