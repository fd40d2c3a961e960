package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Arch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared libraries a tiny image's programs need, found in the unpacked Debian packages: each
 * program's NEEDED entries ({@code readelf}), followed through the libraries themselves.
 */
final class SharedLibraries {

    private SharedLibraries() {
    }

    /**
     * Where an architecture's Debian packages put shared libraries and the dynamic loader: the
     * multiarch directory, and the loader path its programs ask for (their ELF interpreter).
     */
    record Layout(String multiarch, String interpreter) {

        static Layout of(Arch arch) {
            return switch (arch) {
                case X86_64 -> new Layout("x86_64-linux-gnu", "lib64/ld-linux-x86-64.so.2");
                case ARM64 -> new Layout("aarch64-linux-gnu", "lib/ld-linux-aarch64.so.1");
            };
        }

        List<String> libDirs() {
            return List.of("lib/" + multiarch, "usr/lib/" + multiarch, "lib64", "lib", "usr/lib");
        }

        String loader() {
            return Path.of(interpreter).getFileName().toString();
        }
    }

    /** Sonames that {@code elf} needs, directly and through its libraries. */
    static Set<String> closure(Path root, Path elf, Layout layout) {
        Set<String> seen = new TreeSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(elf));
        while (!todo.isEmpty()) {
            for (String lib : needed(todo.pop())) {
                if (seen.add(lib)) {
                    todo.push(find(root, lib, layout));
                }
            }
        }
        return seen;
    }

    private static List<String> needed(Path elf) {
        Proc.Result r = Proc.run(List.of("readelf", "-d", "-W", elf.toString()), Duration.ofMinutes(1)).orThrow();
        List<String> libs = new ArrayList<>();
        Matcher m = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)]").matcher(r.stdout());
        while (m.find()) {
            libs.add(m.group(1));
        }
        return libs;
    }

    /** The file of {@code soname} in the unpacked packages under {@code root}. */
    static Path find(Path root, String soname, Layout layout) {
        for (String dir : layout.libDirs()) {
            Path p = root.resolve(dir).resolve(soname);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new NetloomException("shared library " + soname + " is in none of the downloaded packages; add its package to images/tiny/tiny.json");
    }
}
