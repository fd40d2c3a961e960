package dev.netloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.api.ApiServer;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * api: what the lab API adds to a command. On a lab of tiny nodes brought up with Lab.up and served by
 * an ApiServer on its Unix socket: the round trip of {@code node.exec true} from one ApiClient against
 * QemuNode.exec on the same node (the Java API, no socket, no JSON) and against the least a program can
 * do (a raw socket reader typing netloom's line for `true` on a separate raw QEMU); then the aggregate rate
 * of 8 clients, each on its own connection and thread, sending {@code true} round-robin over the nodes
 * with one call outstanding, against the same load through QemuNode.execAsync from 8 threads.
 */
final class ApiBench implements Benchmark {

    static final double MAX_MEDIAN_MS = 12;
    /** Execs per second 8 clients should reach across 8 nodes (the full run). */
    static final double MIN_RATE = 200;
    static final int WARMUP = 30;
    static final int BLOCK = 10;
    static final int CLIENTS = 8;

    private static final Duration STEP = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "api";
    }

    @Override
    public String description() {
        return "node.exec through the lab API (Unix socket, JSON-RPC) vs QemuNode.exec: round trip, and execs/s from 8 clients";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        boolean quick = ctx.quick();
        int nodes = quick ? 2 : 8;
        int reps = quick ? 200 : 500;
        Duration load = Duration.ofSeconds(quick ? 3 : 5);
        String labName = BenchLab.name("ap", 0);
        Path rawSocket = ctx.scratch().resolve("raw-api.sock");
        Lab lab = null;
        ApiServer server = null;
        ApiClient client = null;
        List<ApiClient> clients = new ArrayList<>();
        RawQemu raw = null;
        RawShell shell = null;
        try {
            ctx.say("api: bringing up lab " + labName + " (" + nodes + " tiny nodes) and a raw node");
            raw = ctx.running(RawQemu.listening(ctx.tinyBoot(), "bench-raw", rawSocket, STEP));
            shell = RawShell.connect(rawSocket);
            lab = ctx.running(BenchLab.up(ctx, BenchLab.scenario(BenchLab.tinyLine(labName, nodes))));
            server = ApiServer.start(lab, lab.paths().apiSocket(), QemuNode.sharedLoops(), null, null, null);
            client = ApiClient.connect(server.socket(), Duration.ofSeconds(10));
            shell.awaitQuietShell(ctx.tinyMarker(), BenchContext.BOOT_BUDGET, STEP);

            // 1. one client, one node: the round trip
            List<String> names = new ArrayList<>(lab.nodes().keySet());
            Collections.sort(names);
            String first = names.get(0);
            QemuNode node = lab.node(first);
            for (int i = 0; i < WARMUP; i++) {
                apiTrue(client, first);
                directTrue(node);
                shell.framedTrue(-1 - i, STEP);
            }
            List<Double> apiMs = new ArrayList<>();
            List<Double> directMs = new ArrayList<>();
            List<Double> rawMs = new ArrayList<>();
            // blocks of BLOCK calls per variant, in an order that rotates from block to block (as in exec)
            for (int block = 0; block < reps / BLOCK; block++) {
                for (int k = 0; k < 3; k++) {
                    int variant = (block + k) % 3;
                    for (int i = 0; i < BLOCK; i++) {
                        switch (variant) {
                            case 0 -> apiMs.add(apiTrue(client, first));
                            case 1 -> directMs.add(directTrue(node));
                            default -> rawMs.add(shell.framedTrue(rawMs.size(), STEP));
                        }
                    }
                }
            }
            ctx.say("api: `true` x" + reps + " on " + first + ": API " + stats(apiMs) + "; QemuNode.exec " + stats(directMs)
                    + "; raw framed " + stats(rawMs));
            shell.close();
            shell = null;
            ctx.stopped(raw); // idle, it would only take CPU from the load below
            raw = null;

            // 2. 8 clients, round-robin over the nodes, one call outstanding each
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(ApiClient.connect(server.socket(), Duration.ofSeconds(10)));
            }
            for (int c = 0; c < CLIENTS; c++) {
                apiTrue(clients.get(c), names.get(c % names.size()));
            }
            Lab l = lab;
            IntFunction<Caller> viaApi = c -> n -> apiTrue(clients.get(c), names.get(n));
            IntFunction<Caller> direct = c -> n -> directAsyncTrue(l.node(names.get(n)));
            // ABBA halves, so that drifting host load hits both alike
            Load apiLoad = new Load();
            Load directLoad = new Load();
            Duration half = load.dividedBy(2);
            apiLoad.add(load(viaApi, names.size(), half));
            directLoad.add(load(direct, names.size(), half));
            directLoad.add(load(direct, names.size(), half));
            apiLoad.add(load(viaApi, names.size(), half));
            ctx.say(String.format(Locale.ROOT, "api: %d clients on %d nodes for %d s: API %.0f execs/s (per call %s); "
                            + "QemuNode.execAsync %.0f execs/s (per call %s)", CLIENTS, nodes, load.toSeconds(),
                    apiLoad.rate(), stats(apiLoad.latencies), directLoad.rate(), stats(directLoad.latencies)));

            String loadWhat = CLIENTS + " clients x " + nodes + " nodes, `true` for " + load.toSeconds() + " s: ";
            return List.of(
                    new Figure(name(), "`true` round trip: node.exec via ApiClient vs QemuNode.exec, same node (n=" + reps + ")", "ms",
                            new Samples(apiMs), new Samples(directMs), Target.medianAtMost(MAX_MEDIAN_MS), true),
                    new Figure(name(), "`true` round trip: node.exec via ApiClient vs raw reader typing netloom's line", "ms",
                            new Samples(apiMs), new Samples(rawMs), null, true),
                    new Figure(name(), loadWhat + "execs/s via the API vs QemuNode.execAsync from " + CLIENTS + " threads"
                            + (quick ? "" : " (target >= " + Report.limit(MIN_RATE) + "/s)"), "execs/s",
                            Samples.of(apiLoad.rate()), Samples.of(directLoad.rate()), null, false),
                    new Figure(name(), loadWhat + "per-call latency via the API vs QemuNode.execAsync", "ms",
                            new Samples(apiLoad.latencies), new Samples(directLoad.latencies), null, true));
        } finally {
            for (ApiClient c : clients) {
                c.close();
            }
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
            if (shell != null) {
                shell.close();
            }
            if (raw != null) {
                ctx.stopped(raw);
            }
            if (lab != null) {
                try {
                    ctx.stopped(lab);
                } finally {
                    lab.down(); // idempotent
                }
            }
        }
    }

    /** One blocking `true` on node number {@code n}; returns its round trip in ms. */
    @FunctionalInterface
    private interface Caller {
        double call(int n) throws Exception;
    }

    /** Completed calls and their wall time, summed over the parts of a load. */
    private static final class Load {
        long calls;
        long nanos;
        final List<Double> latencies = new ArrayList<>();

        void add(Load part) {
            calls += part.calls;
            nanos += part.nanos;
            latencies.addAll(part.latencies);
        }

        double rate() {
            return calls / (nanos / 1e9);
        }
    }

    /**
     * CLIENTS threads, each calling {@code caller} for its client number round-robin over the nodes
     * (starting at its own), one call at a time, until {@code duration} is over; the wall time runs to
     * the last call's answer.
     */
    private static Load load(IntFunction<Caller> callers, int nodes, Duration duration) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<List<Double>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (int c = 0; c < CLIENTS; c++) {
            List<Double> mine = new ArrayList<>();
            perThread.add(mine);
            Caller caller = callers.apply(c);
            int offset = c;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = offset; System.nanoTime() < deadline[0] && failure.get() == null; i++) {
                        mine.add(caller.call(i % nodes));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-api-load-" + c);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + duration.toNanos();
        start.countDown(); // publishes deadline[0] to the threads
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            Throwable e = failure.get();
            throw e instanceof RuntimeException re ? re : new NetloomException("load: " + e.getMessage(), e);
        }
        Load load = new Load();
        load.nanos = elapsed;
        perThread.forEach(l -> {
            load.calls += l.size();
            load.latencies.addAll(l);
        });
        return load;
    }

    private static double apiTrue(ApiClient client, String node) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("node", node).put("command", "true");
        long t0 = System.nanoTime();
        JsonNode r = client.call("node.exec", params, STEP);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r.path("exitCode").asInt(-1) == 0, "node.exec `true` on " + node + " answered " + r);
        return ms;
    }

    private static double directTrue(QemuNode node) {
        long t0 = System.nanoTime();
        ExecResult r = node.exec("true", STEP);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r.ok(), "exec `true` on " + node.name() + " gave " + r);
        return ms;
    }

    private static double directAsyncTrue(QemuNode node) throws Exception {
        long t0 = System.nanoTime();
        ExecResult r;
        try {
            r = node.execAsync("true", STEP).get(STEP.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r.ok(), "execAsync `true` on " + node.name() + " gave " + r);
        return ms;
    }


    private static String stats(List<Double> ms) {
        Samples s = new Samples(ms);
        return String.format(Locale.ROOT, "median %.2f, p99 %.2f, min %.2f, max %.2f ms (n=%d)",
                s.median(), s.percentile(99), s.min(), s.max(), s.n());
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new NetloomException(failure);
        }
    }
}
