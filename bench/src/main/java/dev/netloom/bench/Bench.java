package dev.netloom.bench;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Whole-system benchmarks (run by {@code bench/run}): each compares netloom with a baseline measured in
 * the same run, on this host, and prints one table. Exit codes: 0 ran (targets missed are shown, not
 * failed), 1 a benchmark failed, 2 bad input.
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true,
        description = {"Runs netloom's whole-system benchmarks and prints the host facts and one table of figures.",
                "Every figure is compared with a baseline measured in the same run."},
        footer = {"", "Benchmarks: tiny-boot, arm64-boot, node-boot, exec, wiring, lab-up, fidelity (not with --quick unless named), api, fork,",
                "scale (only when named). All but scale when none is named. See docs/benchmarks.md."})
public final class Bench implements Callable<Integer> {

    /** Every benchmark, in the order they run; the lead adds new ones here. */
    static final List<Benchmark> ALL = List.of(new TinyBootBench(), new Arm64BootBench(), new NodeBootBench(), new ExecBench(), new WiringBench(),
            new LabUpBench(), new FidelityBench(), new ApiBench(), new ScaleBench(), new ForkBench());
    /** Run only when named: they take many minutes. */
    static final java.util.Set<String> OPT_IN = java.util.Set.of("scale");
    /** Left out of a --quick run unless named. */
    static final java.util.Set<String> FULL_ONLY = java.util.Set.of("fidelity");

    @Option(names = "--quick", description = "Fewer sizes and repetitions (about 3 minutes on 2 cores).")
    boolean quick;

    @Option(names = "--json", description = "Print the host facts and figures as one JSON document instead of a table.")
    boolean json;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Benchmarks to run: ${COMPLETION-CANDIDATES}.",
            completionCandidates = BenchmarkNames.class)
    List<String> names = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Bench());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            System.err.println("bench: error: " + ex.getMessage());
            return ex instanceof NetloomException ne ? ne.exitCode() : 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Benchmark> selected = select(names, quick);
        quietQmpOnStop();
        ImageStore store = ImageStore.fromEnvironment();
        ImageManifest tiny = new TinyImageBuilder(store, Bench::say).build(false);
        Path tinyDir = store.dir(TinyImageBuilder.NAME);
        AccelProbe.Verdict verdict = AccelProbe.forHost().resolve(Accel.AUTO, tinyDir);
        HostFacts host = HostFacts.probe(verdict);
        if (!json) {
            System.out.print(Report.hostText(host));
            System.out.println();
            System.out.flush();
        }

        Path scratch = Files.createTempDirectory(Path.of("/tmp"), "nl-bench-");
        BenchContext ctx = new BenchContext(quick, tiny, tinyDir, verdict.accel(), scratch, Bench::say);
        Thread cleanup = new Thread(() -> {
            ctx.stopAll();
            ImageStore.deleteTree(scratch);
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<Figure> figures = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (Benchmark b : selected) {
                say("running " + b.name() + ": " + b.description());
                try {
                    figures.addAll(b.run(ctx));
                } catch (Exception e) {
                    // the other benchmarks still tell something; the exit code says one failed
                    say("error: " + b.name() + " failed: " + e.getMessage());
                    failed.add(b.name());
                }
            }
        } finally {
            ctx.stopAll();
            ImageStore.deleteTree(scratch);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        say(String.format("done in %.0f s; load average now %.2f", (System.nanoTime() - t0) / 1e9, HostFacts.readLoadAverage()));
        System.out.print(json ? Report.json(host, quick, figures, failed) + "\n" : Report.table(figures));
        if (!failed.isEmpty()) {
            say("failed: " + String.join(", ", failed) + " (see the errors above)");
            return 1;
        }
        return 0;
    }

    /**
     * The benchmarks named, in the order of {@link #ALL}; when none is named, all but the opt-in ones
     * (and, with --quick, the full-only ones).
     */
    static List<Benchmark> select(List<String> names, boolean quick) {
        Map<String, Benchmark> byName = new LinkedHashMap<>();
        ALL.forEach(b -> byName.put(b.name(), b));
        for (String n : names) {
            if (!byName.containsKey(n)) {
                throw new BadInputException("unknown benchmark '" + n + "': use one of " + String.join(", ", byName.keySet()));
            }
        }
        if (names.isEmpty()) {
            return ALL.stream().filter(b -> !OPT_IN.contains(b.name()) && !(quick && FULL_ONLY.contains(b.name()))).toList();
        }
        return ALL.stream().filter(b -> names.contains(b.name())).toList();
    }

    /**
     * Every node stop makes QmpProtocolHandler warn "closing after protocol error: Connection reset by
     * peer" (QEMU closes the socket after `quit`): one line per node per repetition would bury the
     * progress lines. NETLOOM_LOG=debug keeps them.
     */
    private static void quietQmpOnStop() {
        if (System.getenv("NETLOOM_LOG") == null
                && LoggerFactory.getLogger("dev.netloom.nodes.qmp.QmpProtocolHandler") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private static void say(String line) {
        System.err.println("bench: " + line);
        System.err.flush();
    }

    /** The benchmark names, for picocli's help text. */
    static final class BenchmarkNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ALL.stream().map(Benchmark::name).iterator();
        }
    }
}
