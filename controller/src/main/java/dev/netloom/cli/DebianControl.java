package dev.netloom.cli;

import dev.netloom.nodes.host.HostTool;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The relationship fields of netloom's Debian package, from the one tool table ({@link HostTool#ALL}):
 * Java and the core tools' packages are Depends, the packages of arm64 nodes and benchmarks Recommends,
 * the rest (SVG graphs, the GRUB example image, the metrics and web view tests) Suggests. packaging/deb/build writes them.
 */
final class DebianControl {

    static final String JAVA = "openjdk-17-jre-headless | java17-runtime-headless";

    /** Non-core packages worth having by default: arm64 nodes and the benchmarks. */
    static final Set<String> RECOMMENDED = Set.of("qemu-system-arm", "cpio");

    private DebianControl() {
    }

    static List<String> depends() {
        List<String> out = new java.util.ArrayList<>(List.of(JAVA));
        out.addAll(packages(true, false));
        return out;
    }

    static List<String> recommends() {
        return packages(false, true);
    }

    static List<String> suggests() {
        return packages(false, false);
    }

    /** The fields as control-file lines. */
    static String fields() {
        return "Depends: " + String.join(", ", depends()) + "\n"
                + "Recommends: " + String.join(", ", recommends()) + "\n"
                + "Suggests: " + String.join(", ", suggests()) + "\n";
    }

    /** Core packages (core), else the non-core ones that are (recommended) or are not recommended; a package any core tool needs is core. */
    private static List<String> packages(boolean core, boolean recommended) {
        Set<String> corePackages = new LinkedHashSet<>(HostTool.ALL.stream().filter(HostTool::core).map(HostTool::pkg).toList());
        if (core) {
            return List.copyOf(corePackages);
        }
        return HostTool.packages().stream()
                .filter(p -> !corePackages.contains(p) && RECOMMENDED.contains(p) == recommended)
                .toList();
    }
}
