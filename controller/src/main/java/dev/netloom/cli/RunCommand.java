package dev.netloom.cli;

import dev.netloom.lab.Checks;
import dev.netloom.lab.HostMemory;
import dev.netloom.lab.MemoryMerging;
import dev.netloom.lab.Lab;
import dev.netloom.lab.Timeline;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.Units;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Runs a scenario in the foreground: up, checks, timeline, summary, down. */
@Command(name = "run", mixinStandardHelpOptions = true, header = "Run a scenario in the foreground: up, checks, timeline, summary, down.",
        description = {"Run a scenario in the foreground: bring the lab up (nodes READY, wired, addressed, routed),",
                "run its checks and its timeline, keep it up for its duration, print a summary and tear it down.",
                "Ctrl-C tears the lab down at once. Exit 0 when every check passed, 1 when one failed, 2 for bad input."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ScenarioFile file;

    @Option(names = "--duration", paramLabel = "D", description = "Keep the lab up this long after the checks (e.g. 30s, 2m); overrides the file's duration.")
    String duration;

    @Mixin
    JsonOption json;

    @Mixin
    AccelOption accel;

    @Mixin
    KsmOption ksm;

    @Override
    public Integer call() throws Exception {
        Accel requested = accel.requested();
        Duration keep = duration == null ? null : durationOption(duration);
        Scenario scenario = ksm.apply(file.load()); // bad input fails here, before the host is touched
        HostSetup.ensure(Say::line);
        Scenarios.ensureEmulators(scenario);
        return run(scenario, requested, keep, json.enabled);
    }

    /** Runs a loaded scenario in the foreground; returns the exit code (0 all checks passed, 1 otherwise). */
    static int run(Scenario scenario, Accel requested, Duration keep, boolean json) throws Exception {
        ImageStore store = ImageStore.fromEnvironment();
        Accel resolved = Scenarios.accel(requested, store);
        Say.line("lab " + scenario.name() + ": " + scenario.nodes().size() + " nodes, " + scenario.links().size() + " links, "
                + scenario.lans().size() + " LANs (" + resolved.qemuName() + ")");

        Instant t0 = Instant.now();
        // the lab can be scripted from elsewhere while it runs; `netloom down` ends it early
        try (LabSession session = LabSession.start(scenario, resolved, store, new Progress(json), null)) {
            Lab lab = session.lab();
            Duration upTime = Duration.between(t0, Instant.now());
            List<Checks.Result> checks = session.runChecks();
            Instant timelineStart = Instant.now();
            List<Timeline.Played> played = session.playTimeline(timelineStart);
            Duration hold = keep != null ? keep : scenario.duration();
            if (hold != null) {
                long ms = Duration.between(Instant.now(), timelineStart.plus(hold)).toMillis();
                try {
                    session.downAsked().get(Math.max(ms, 0), java.util.concurrent.TimeUnit.MILLISECONDS);
                    Say.line("lab " + lab.name() + ": taken down through the API before the end of its duration");
                } catch (java.util.concurrent.TimeoutException e) {
                    // the duration is over
                }
            }
            boolean ok = checks.stream().allMatch(Checks.Result::ok) && played.stream().allMatch(Timeline.Played::ok);
            if (json) {
                System.out.println(Json.PRETTY.writeValueAsString(summary(lab, upTime, checks, played, ok)));
            } else {
                printSummary(lab, upTime, checks, played);
            }
            return ok ? 0 : 1;
        }
    }

    static Duration durationOption(String text) {
        return durationOption("--duration", text);
    }

    static Duration durationOption(String option, String text) {
        try {
            return Units.duration(text);
        } catch (IllegalArgumentException e) {
            throw new dev.netloom.nodes.BadInputException(option + ": " + e.getMessage());
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
                    n.interfaces().stream().map(i -> i.guestName() + "=" + i.address()).collect(Collectors.joining(" ")));
        }
        System.out.printf("%n%-20s %-14s %s%n", "LINK", "ENGINE", "DIRECTION");
        lab.engines().forEach((t, engine) -> System.out.printf("%-20s %-14s %s%n", t.segment(), engine, t.direction()));
        if (!played.isEmpty()) {
            System.out.printf("%n%-9s %-9s %-6s %s%n", "PLANNED", "ACTUAL", "RESULT", "TIMELINE EVENT");
            for (Timeline.Played p : played) {
                System.out.printf("%7.1fs %7.1fs  %-6s %s%s%n", p.planned().toMillis() / 1000.0, p.actual().toMillis() / 1000.0,
                        p.ok() ? "ok" : "FAIL", p.what(), p.detail().isEmpty() ? "" : " (" + p.detail() + ")");
            }
        }
        if (!checks.isEmpty()) {
            System.out.printf("%n%-24s %-6s %s%n", "CHECK", "RESULT", "DETAIL");
            for (Checks.Result c : checks) {
                System.out.printf("%-24s %-6s %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail());
            }
            long failed = checks.stream().filter(c -> !c.ok()).count();
            System.out.printf("%n%d checks, %d passed, %d failed%n", checks.size(), checks.size() - failed, failed);
        }
    }

    private static Map<String, Object> summary(Lab lab, Duration upTime, List<Checks.Result> checks, List<Timeline.Played> played, boolean ok) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lab", lab.name());
        out.put("ok", ok);
        out.put("upMillis", upTime.toMillis());
        out.put("heldMiB", heldMiB(lab));
        out.put("ksm", MemoryMerging.host().describe());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodePlan n : lab.plan().nodes()) {
            QemuNode node = lab.nodes().get(n.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("state", node == null ? null : node.state().name());
            m.put("bootMillis", node == null || node.bootTime() == null ? null : node.bootTime().toMillis());
            m.put("interfaces", n.interfaces().stream().map(i -> Map.of("name", i.guestName(), "address", i.address(), "segment", i.segment())).toList());
            nodes.add(m);
        }
        out.put("nodes", nodes);
        Map<String, String> engines = new LinkedHashMap<>();
        lab.engines().forEach((t, engine) -> engines.put(t.toString(), engine));
        out.put("engines", engines);
        out.put("timeline", played);
        out.put("checks", checks);
        return out;
    }
}
