package dev.netloom.nodes;

import java.nio.file.Path;

/**
 * Where netloom keeps per-user files that outlive a run, by the XDG base directories: data (the image
 * store) in {@code $XDG_DATA_HOME/netloom} (or {@code ~/.local/share/netloom}), caches (downloaded
 * .debs, the KVM verdict) in {@code $XDG_CACHE_HOME/netloom} (or {@code ~/.cache/netloom}). Run
 * directories are {@link RunDirs}'.
 */
public final class UserDirs {

    private UserDirs() {
    }

    public static Path data() {
        return xdg("XDG_DATA_HOME", ".local", "share");
    }

    public static Path cache() {
        return xdg("XDG_CACHE_HOME", ".cache");
    }

    private static Path xdg(String variable, String... underHome) {
        String xdg = System.getenv(variable);
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), underHome);
        return base.resolve("netloom");
    }
}
