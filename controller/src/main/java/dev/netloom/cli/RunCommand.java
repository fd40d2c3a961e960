package dev.netloom.cli;

import dev.netloom.lab.Checks;
import dev.netloom.lab.HostMemory;
import dev.netloom.lab.MemoryMerging;
import dev.netloom.lab.Lab;
import dev.netloom.lab.Timeline;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.Units;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Runs a scenario in the foreground: up, checks, timeline, summary, down; N times with --repeat. */
@Command(name = "run", mixinStandardHelpOptions = true, header = "Run a scenario in the foreground: up, checks, timeline, summary, down.",
        description = {"Bring the lab up (nodes READY, wired, addressed, routed), run its checks and",
                "its timeline, keep it up for its duration, print a summary and tear it down.",
                "",
                "Checks (docs/scenarios.md): ping, exec, fidelity (a link direction's delay,",
                "loss and rate measured from the guests), reachable and unreachable; each may",
                "have a name and \"within\" (tried again until it holds). A timeline event may",
                "run a check at its time.",
                "",
                "--results FILE writes one JSON document (--json prints it on stdout): the",
                "scenario's SHA-256, the host, the plan, each run's boot times, engines, checks",
                "with figures and timings, timeline events with planned and actual times, and",
                "each figure's median, min and max over the runs. --repeat N runs the scenario",
                "N times, a fresh lab of the same name each time, and summarises the figures.",
                "",
                "Ctrl-C tears the lab down at once. Exit 0 when every check passed in every",
                "run, 1 when one failed, 2 for bad input."})
final class RunCommand implements Callable<Integer> {

    static final int MAX_REPEAT = 1000;

    @Mixin
    ScenarioFile file;

    @Option(names = "--duration", paramLabel = "D", description = "Keep the lab up this long after the checks (e.g. 30s, 2m); overrides the file's duration.")
    String duration;

    @Option(names = "--results", paramLabel = "FILE", description = "Write the results document (JSON) to FILE, also when a check fails.")
    Path results;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run the scenario N times (1 to " + MAX_REPEAT + "; default 1), a fresh lab each time, and summarise every figure: median, min, max.")
    int repeat;

    @Mixin
    JsonOption json;

    @Mixin
    AccelOption accel;

    @Mixin
    ObserveOptions observe;

    @Mixin
    KsmOption ksm;

    @Mixin
    ForkOption fork;

    /** What one run needs besides the scenario ({@code observe} may be null; {@code fork} false is --no-fork). */
    record Options(Accel accel, Duration keep, boolean json, int repeat, Path results, Results.Source source, ObserveOptions observe,
                   boolean fork) {
        Options(Accel accel, Duration keep, boolean json, int repeat, Path results, Results.Source source) {
            this(accel, keep, json, repeat, results, source, null, true);
        }
    }

    @Override
    public Integer call() throws Exception {
        Accel requested = accel.requested();
        Duration keep = duration == null ? null : durationOption(duration);
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new BadInputException("--repeat " + repeat + ": give 1 to " + MAX_REPEAT + " runs");
        }
        if (results != null && !Files.isDirectory(results.toAbsolutePath().getParent())) {
            throw new BadInputException("--results " + results + ": there is no directory " + results.toAbsolutePath().getParent()
                    + "; create it or write the results elsewhere");
        }
        observe.check();
        byte[] bytes = readScenario(file.path);
        Scenario scenario = ksm.apply(file.load()); // bad input fails here, before the host is touched
        HostSetup.ensure(Say::line);
        Scenarios.ensureEmulators(scenario);
        return run(scenario, new Options(requested, keep, json.enabled, repeat, results, new Results.Source(file.path.toString(), bytes), observe,
                fork.allowed()));
    }

    private static byte[] readScenario(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Runs a loaded scenario once, in the foreground, with a plain summary; returns the exit code (0 all checks passed, 1 otherwise). */
    static int run(Scenario scenario, Accel requested, Duration keep, boolean json, Results.Source source) throws Exception {
        return run(scenario, new Options(requested, keep, json, 1, null, source));
    }

    /** Runs a loaded scenario {@code repeat} times; returns the exit code (0 when every run passed, 1 otherwise). */
    static int run(Scenario scenario, Options o) throws Exception {
        ImageStore store = ImageStore.fromEnvironment();
        Accel resolved = Scenarios.accel(o.accel(), store);
        Say.line("lab " + scenario.name() + ": " + scenario.nodes().size() + " nodes, " + scenario.links().size() + " links, "
                + scenario.lans().size() + " LANs (" + resolved.qemuName() + ")" + (o.repeat() > 1 ? ", " + o.repeat() + " runs" : ""));
        List<RunRecord> runs = new ArrayList<>();
        RuntimeException failure = null;
        for (int i = 1; i <= o.repeat(); i++) {
            if (o.repeat() > 1) {
                Say.line("run " + i + "/" + o.repeat());
            }
            Instant started = Instant.now();
            try {
                Once once = once(scenario, resolved, store, o, i);
                runs.add(once.record());
                if (once.endedEarly()) {
                    break;
                }
            } catch (BadInputException e) {
                throw e;
            } catch (NetloomException e) {
                runs.add(RunRecord.failed(i, started, e.getMessage()));
                if (o.repeat() == 1) {
                    failure = e;
                } else {
                    Say.line("run " + i + "/" + o.repeat() + " failed: " + e.getMessage());
                }
            }
        }
        if (o.repeat() > 1 && !o.json()) {
            Results.printRepeat(System.out, runs, o.repeat());
        }
        if (o.json() || o.results() != null) {
            Boolean netem = runs.stream().map(RunRecord::hostNetem).filter(b -> b != null).findFirst().orElse(null);
            HostFacts host = HostFacts.probe(arches(scenario, store), resolved, netem);
            Map<String, Object> doc = Results.document(o.source(), scenario.name(), Lab.planOf(scenario), host, runs, o.repeat());
            String text = Json.PRETTY.writeValueAsString(doc);
            if (o.results() != null) {
                write(o.results(), text + "\n");
                Say.line("results: " + o.results());
            }
            if (o.json()) {
                System.out.println(text);
            }
        }
        if (failure != null) {
            throw failure;
        }
        boolean passed = runs.size() == o.repeat() && runs.stream().allMatch(RunRecord::ok);
        if (!passed) {
            sayFailures(scenario.name(), runs, o.repeat());
        }
        return passed ? 0 : 1;
    }

    /** The most failures said on stderr for one run: a failed `ping all` of many nodes fails a check per pair. */
    static final int MAX_FAILURES_SAID = 20;

    /**
     * Says on stderr which checks and timeline events failed and why, so that a failed run explains its
     * exit code 1 also where only stderr is kept (stdout has the whole table, or the JSON document).
     */
    static void sayFailures(String lab, List<RunRecord> runs, int repeat) {
        for (RunRecord r : runs) {
            List<String> failed = r.failures();
            String prefix = lab + ": " + (repeat > 1 ? "run " + r.number() + "/" + repeat + ": " : "");
            failed.stream().limit(MAX_FAILURES_SAID).forEach(f -> Say.line(prefix + f));
            if (failed.size() > MAX_FAILURES_SAID) {
                Say.line(prefix + "and " + (failed.size() - MAX_FAILURES_SAID) + " more failures (the summary lists them all)");
            }
        }
    }

    /** One run's record, and whether `netloom down` or a signal ended it early. */
    private record Once(RunRecord record, boolean endedEarly) {
    }

    private static Once once(Scenario scenario, Accel resolved, ImageStore store, Options o, int number) throws Exception {
        Instant t0 = Instant.now();
        // the lab can be scripted from elsewhere while it runs; `netloom down` ends it early
        try (LabSession session = LabSession.start(scenario, resolved, store, new Progress(o.json()), null, o.observe(), o.fork())) {
            Lab lab = session.lab();
            Duration upTime = Duration.between(t0, Instant.now());
            if (o.results() != null) {
                String stem = o.results().getFileName().toString().replaceFirst("\\.json$", "");
                lab.saveEvidenceTo(new Lab.Evidence(o.results().toAbsolutePath().getParent(), o.repeat() > 1 ? stem + ".run" + number : stem));
            } else if (lab.recording()) {
                Say.line("flight recorder: give --results FILE to keep the captures of failed checks beside the results");
            }
            List<RunRecord.EngineRecord> engines = RunRecord.engines(lab);
            List<Checks.Result> checks = session.runChecks();
            Instant timelineStart = Instant.now();
            List<Timeline.Played> played = session.playTimeline(timelineStart);
            Duration hold = o.keep() != null ? o.keep() : scenario.duration();
            boolean early = false;
            if (hold != null) {
                long ms = Duration.between(Instant.now(), timelineStart.plus(hold)).toMillis();
                try {
                    session.downAsked().get(Math.max(ms, 0), TimeUnit.MILLISECONDS);
                    Say.line("lab " + lab.name() + ": taken down through the API before the end of its duration");
                    early = true;
                } catch (TimeoutException e) {
                    // the duration is over
                }
            }
            early |= session.downAsked().isDone();
            RunRecord record = RunRecord.of(number, lab, t0, upTime, engines, checks, scenario.timeline().isEmpty() ? null : timelineStart, played,
                    heldMiB(lab), MemoryMerging.host().describe());
            if (o.repeat() == 1 && !o.json()) {
                printSummary(lab, upTime, checks, played); // while the nodes still run: their states are READY
            }
            return new Once(record, early);
        }
    }

    private static List<Arch> arches(Scenario scenario, ImageStore store) {
        return scenario.nodes().stream().map(n -> store.find(n.image()).map(ImageManifest::arch).orElse(Arch.X86_64)).distinct().sorted().toList();
    }

    /** Writes the whole file or nothing: a temporary file beside it, then a rename. */
    private static void write(Path target, String text) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new NetloomException("cannot write the results to " + target + ": " + e.getMessage(), e);
        }
    }

    static Duration durationOption(String text) {
        return durationOption("--duration", text);
    }

    static Duration durationOption(String option, String text) {
        try {
            return Units.duration(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
    }

    /** What the lab's QEMUs hold of their own now (RssAnon less what KSM merged), in MiB. */
    private static long heldMiB(Lab lab) {
        return HostMemory.heldMiB(lab.nodes().values().stream().map(QemuNode::pid).filter(p -> p > 0).toList());
    }

    private static void printSummary(Lab lab, Duration upTime, List<Checks.Result> checks, List<Timeline.Played> played) {
        System.out.printf("lab %s READY in %.1f s%n", lab.name(), upTime.toMillis() / 1000.0);
        long held = heldMiB(lab);
        System.out.printf("memory: %d nodes hold %d MiB of their own (%d MiB each); KSM %s%n%n", lab.nodes().size(), held,
                lab.nodes().isEmpty() ? 0 : held / lab.nodes().size(), MemoryMerging.host().describe());
        System.out.printf("%-15s %-8s %8s  %s%n", "NODE", "STATE", "BOOT", "ADDRESSES");
        for (NodePlan n : lab.plan().nodes()) {
            QemuNode node = lab.nodes().get(n.name());
            System.out.printf("%-15s %-8s %7.1fs  %s%n", n.name(), node == null ? "-" : node.state(),
                    node == null || node.bootTime() == null ? 0.0 : node.bootTime().toMillis() / 1000.0,
                    n.interfaces().stream().map(i -> i.guestName() + "=" + String.join(",", i.addresses())).collect(Collectors.joining(" ")));
        }
        System.out.printf("%n%-20s %-14s %s%n", "LINK", "ENGINE", "DIRECTION");
        lab.engines().forEach((t, engine) -> System.out.printf("%-20s %-14s %s%n", t.segment(), engine, t.direction()));
        printResults(checks, played);
    }

    /** The timeline's events and every check's result (also those the timeline ran) as tables; returns how many checks failed. */
    static long printResults(List<Checks.Result> checks, List<Timeline.Played> played) {
        if (!played.isEmpty()) {
            System.out.printf("%n%-9s %-9s %-6s %s%n", "PLANNED", "ACTUAL", "RESULT", "TIMELINE EVENT");
            for (Timeline.Played p : played) {
                System.out.printf("%7.1fs %7.1fs  %-6s %s%s%n", p.planned().toMillis() / 1000.0, p.actual().toMillis() / 1000.0,
                        p.ok() ? "ok" : "FAIL", p.what(), p.detail().isEmpty() ? "" : " (" + p.detail() + ")");
            }
        }
        List<Checks.Result> all = new ArrayList<>(checks);
        played.forEach(p -> all.addAll(p.checks()));
        if (!all.isEmpty()) {
            System.out.printf("%n%-24s %-6s %8s  %s%n", "CHECK", "RESULT", "TIME", "DETAIL");
            for (Checks.Result c : all) {
                System.out.printf("%-24s %-6s %7.1fs  %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.took().toMillis() / 1000.0, c.detail());
                c.captures().forEach(f -> System.out.printf("%-24s %-6s %8s  capture: %s%n", "", "", "", f));
            }
            long failed = all.stream().filter(c -> !c.ok()).count();
            System.out.printf("%n%d checks, %d passed, %d failed%n", all.size(), all.size() - failed, failed);
            return failed;
        }
        return 0;
    }
}
