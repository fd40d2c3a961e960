package dev.netloom.bench;

import dev.netloom.lab.HostMemory;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.image.ImageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * fork: N tiny nodes on one LAN brought to READY (configured: addresses, /etc/hosts) by forking them
 * from a template vs booting each kernel, in the same run; the fork figure with the template cached
 * (built once before the timing starts, as a lab after the first finds it) and with the build counted;
 * and the memory each node costs the host (PSS: the template's RAM is shared between forks, so each
 * fork pays its share of it). {@code NETLOOM_FORK_NODES=N} brings up N nodes instead;
 * {@code NETLOOM_FORK_SIDES=cached} runs only the forked lab with its template cached (for work on the
 * fork path: a figure against itself, no booted baseline).
 */
final class ForkBench implements Benchmark {

    static final int NODES = 100;
    static final int QUICK_NODES = 12;
    static final double TARGET_SPEEDUP = 5;
    static final int ATTEMPTS = 3;

    @Override
    public String name() {
        return "fork";
    }

    @Override
    public String description() {
        return "N tiny nodes on a LAN READY: forked from a saved template vs booted; PSS per node";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        String chosen = System.getenv("NETLOOM_FORK_NODES");
        int n = chosen != null && !chosen.isBlank() ? Integer.parseInt(chosen.strip()) : ctx.quick() ? QUICK_NODES : fitting(ctx);
        Templates templates = new Templates(ctx.scratch().resolve("templates")); // cold: nothing cached from earlier runs
        if ("cached".equals(System.getenv("NETLOOM_FORK_SIDES"))) {
            up(ctx, templates, "fx", Math.min(n, 4), true, new ArrayList<>()); // builds the template
            List<Double> pss = new ArrayList<>();
            double ms = up(ctx, templates, "fw", n, true, pss);
            return List.of(new Figure(name(), n + " tiny nodes on a LAN, Lab.up to READY: forked (template cached), no baseline", "ms",
                    Samples.of(ms), Samples.of(ms), null, false));
        }

        List<Double> coldPss = new ArrayList<>();
        double coldMs = up(ctx, templates, "fc", n, true, coldPss);
        List<Double> forkPss = new ArrayList<>();
        double forkMs = up(ctx, templates, "fw", n, true, forkPss);
        List<Double> bootPss = new ArrayList<>();
        double bootMs = up(ctx, templates, "fb", n, false, bootPss);
        ctx.say(String.format("fork N=%d: booted %.0f ms, forked %.0f ms (template cached), %.0f ms (template built)", n, bootMs, forkMs, coldMs));
        return List.of(
                new Figure(name(), n + " tiny nodes on a LAN, Lab.up to READY: forked (template cached) vs booted", "ms",
                        Samples.of(forkMs), Samples.of(bootMs), Target.ratioAtMost(1 / TARGET_SPEEDUP), false),
                new Figure(name(), n + " tiny nodes on a LAN, Lab.up to READY: forked (template built in the run) vs booted", "ms",
                        Samples.of(coldMs), Samples.of(bootMs), null, false),
                new Figure(name(), n + " nodes up: PSS per QEMU process, forked vs booted (96 MiB guests)", "MiB",
                        new Samples(forkPss), new Samples(bootPss), null, false));
    }

    /**
     * {@link #NODES}, or fewer (in tens) when the booted lab's memory admission (each node's guest
     * memory plus QEMU's overhead; a forked node reserves less, docs/labs.md) would refuse that many now.
     */
    private static int fitting(BenchContext ctx) throws IOException {
        long availableMiB = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                availableMiB = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        long perNode = 96 + HostMemory.QEMU_OVERHEAD_MIB;
        int fits = (int) (availableMiB * 0.85 / perNode) / 10 * 10;
        if (fits < NODES) {
            ctx.say("fork: " + availableMiB + " MiB available admits about " + fits + " nodes of " + perNode + " MiB, not " + NODES);
        }
        return Math.max(QUICK_NODES, Math.min(NODES, fits));
    }

    /**
     * {@link #once}, tried up to {@link #ATTEMPTS} times: on a host loaded by other work a booting
     * tiny kernel may panic in its timer check ("IO-APIC + timer doesn't work"), which fails the whole
     * lab; the failures are reported, and the figure is the first lab that came up.
     */
    private static double up(BenchContext ctx, Templates templates, String prefix, int n, boolean fork, List<Double> pss) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String lab = BenchLab.name(prefix + attempt, n);
            try {
                return once(ctx, templates, lab, n, fork, pss);
            } catch (RuntimeException e) {
                ctx.say("fork: " + lab + " attempt " + attempt + " failed: " + e.getMessage().lines().findFirst().orElse(""));
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Brings up the LAN of {@code n} nodes, forked or booted; returns ms to READY and adds each QEMU's PSS to {@code pss}. */
    private static double once(BenchContext ctx, Templates templates, String lab, int n, boolean fork, List<Double> pss) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("\"n" + i + "\"");
        }
        String json = """
                {"name": "%s", "defaults": {"image": "tiny", "memory": "96M", "fork": %s},
                 "nodes": [%s], "lans": [{"name": "lan", "members": [%s]}]}
                """.formatted(lab, fork, String.join(", ", names), String.join(", ", names));
        BringUpPhases phases = new BringUpPhases();
        HostCpu cpu0 = HostCpu.now();
        double controller0 = HostCpu.processSeconds(ProcessHandle.current().pid());
        long ksmd0 = dev.netloom.nodes.host.Ksm.HOST.ksmdCpuNanos().orElse(0L);
        long t0 = System.nanoTime();
        Lab up = ctx.running(Lab.create(BenchLab.scenario(json), ctx.accel(), ImageStore.fromEnvironment(), phases, fork, templates));
        phases.readCpuOf(node -> {
            QemuNode q = up.nodes().get(node);
            return q == null ? -1 : q.pid();
        });
        try {
            up.up();
            double ms = (System.nanoTime() - t0) / 1e6;
            double cores = HostCpu.now().coresSince(cpu0);
            double qemuSeconds = 0;
            for (QemuNode node : up.nodes().values()) {
                pss.add(pssMiB(node.pid()));
                qemuSeconds += HostCpu.processSeconds(node.pid());
            }
            double controller = HostCpu.processSeconds(ProcessHandle.current().pid()) - controller0;
            double ksmd = (dev.netloom.nodes.host.Ksm.HOST.ksmdCpuNanos().orElse(0L) - ksmd0) / 1e9;
            double busy = cores * ms / 1000;
            ctx.say(String.format("fork: %s, %d nodes %s READY in %.0f ms; host CPU %.2f cores busy on average (%.0f s): the lab's QEMUs %.1f s"
                            + " (%.2f s per node), controller %.1f s, ksmd %.1f s, everything else (other processes, the kernel) %.1f s",
                    lab, n, fork ? "forked" : "booted", ms, cores, busy, qemuSeconds, qemuSeconds / n, controller, ksmd,
                    busy - qemuSeconds - controller - ksmd));
            ctx.say("fork: " + lab + " phases: " + phases.describe(n));
            return ms;
        } finally {
            ctx.stopped(up);
        }
    }

    private static double pssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // the process is gone: counted as nothing below
        }
        return Double.NaN;
    }
}
