package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel modules a tiny image loads at boot, in an order in which each one's dependencies come
 * first: read from the kernel package's modules.dep (made by {@code depmod}).
 */
final class KernelModules {

    private KernelModules() {
    }

    /** Module files (relative to lib/modules/VERSION) in an order in which each one's dependencies come first. */
    static List<String> loadOrder(Path root, String kernelVersion, List<String> modules) throws IOException {
        Proc.run(List.of("depmod", "-b", root.toString(), kernelVersion), Duration.ofMinutes(2)).orThrow();
        Map<String, List<String>> deps = parseModulesDep(Files.readString(root.resolve("lib/modules/" + kernelVersion + "/modules.dep")));
        return loadOrder(deps, modules);
    }

    static Map<String, List<String>> parseModulesDep(String text) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String rest = line.substring(colon + 1).strip();
                deps.put(line.substring(0, colon), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        }
        return deps;
    }

    /** Depth-first: a module's dependencies (listed by modules.dep, last one loaded first) before the module. */
    static List<String> loadOrder(Map<String, List<String>> deps, List<String> modules) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String path : deps.keySet()) {
            byName.put(moduleName(path), path);
        }
        Set<String> order = new LinkedHashSet<>();
        for (String m : modules) {
            String path = byName.get(m.replace('-', '_'));
            if (path == null) {
                throw new NetloomException("kernel module " + m + " is not in the kernel package (modules.dep has no " + m + ".ko)");
            }
            visit(path, deps, order, new ArrayDeque<>());
        }
        return new ArrayList<>(order);
    }

    private static void visit(String path, Map<String, List<String>> deps, Set<String> order, Deque<String> stack) {
        if (order.contains(path) || stack.contains(path)) {
            return;
        }
        stack.push(path);
        List<String> ds = new ArrayList<>(deps.getOrDefault(path, List.of()));
        java.util.Collections.reverse(ds);
        for (String d : ds) {
            visit(d, deps, order, stack);
        }
        stack.pop();
        order.add(path);
    }

    static String moduleName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.replaceFirst("\\.ko(\\.(xz|zst|gz))?$", "").replace('-', '_');
    }
}
