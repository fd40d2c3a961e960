package dev.netloom.bench;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sees when the kernel has really removed a deleted namespace's devices. {@code ip netns del} returns
 * before the kernel unregisters them (that happens later, in one batch, on a kernel worker that holds
 * the host-wide RTNL lock). A veth pair with one end in the namespace and its peer in an observer
 * namespace of this class's own shows it: the peer is unregistered in the same batch, and
 * {@code ip monitor link} in the observer namespace reports its deletion. That report comes while the
 * batch still runs (the kernel announces every device's deletion, then removes each one's sysfs
 * entries and the rest, still under the lock), so {@link #awaitUnlocked} then waits for one
 * {@code ip link set} in the observer namespace, which needs the lock: when it returns, the batch is
 * over and the host can wire again. Everything it creates lives in the observer namespace, deleted by
 * {@link #close}; the monitor is stopped through its own Process handle.
 */
final class DeviceWatch implements AutoCloseable {

    private static final Duration STEP = Duration.ofSeconds(20);
    /** "Deleted 7: nlo3@if8: <...>" or "7: nlo3@if8: <...>". */
    private static final Pattern LINK_LINE = Pattern.compile("^(Deleted )?\\d+: ([^:@\\s]+)(@\\S+)?:");

    private final String namespace;
    private final Process monitor;
    private final Map<String, CompletableFuture<Long>> seen = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Long>> deleted = new ConcurrentHashMap<>();
    private int pairs;

    private DeviceWatch(String namespace, Process monitor) {
        this.namespace = namespace;
        this.monitor = monitor;
        Thread reader = new Thread(this::read, "device-watch-" + namespace);
        reader.setDaemon(true);
        reader.start();
    }

    /** Creates the observer namespace {@code namespace} (it must not exist) and starts the monitor in it. */
    static DeviceWatch start(String namespace) {
        Proc.run(List.of("ip", "netns", "add", namespace), STEP).orThrow();
        DeviceWatch watch = null;
        try {
            Process p = Proc.start(List.of("ip", "-n", namespace, "monitor", "link"), ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
            watch = new DeviceWatch(namespace, p);
            watch.awaitSubscribed();
            return watch;
        } catch (IOException | RuntimeException e) {
            if (watch != null) {
                watch.close();
            } else {
                Proc.run(List.of("ip", "netns", "del", namespace), STEP);
            }
            throw e instanceof RuntimeException re ? re : new NetloomException("cannot start ip monitor: " + e.getMessage(), e);
        }
    }

    /** The monitor may subscribe a moment after it starts: add bridges until it reports one. */
    private void awaitSubscribed() {
        for (int k = 0; k < 50; k++) {
            String dev = "nlm" + k;
            CompletableFuture<Long> f = seen.computeIfAbsent(dev, d -> new CompletableFuture<>());
            Proc.run(List.of("ip", "-n", namespace, "link", "add", dev, "type", "bridge"), STEP).orThrow();
            try {
                f.get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                // not yet subscribed when the device came: try the next one
            } catch (InterruptedException | ExecutionException e) {
                throw new NetloomException("ip monitor in " + namespace + " failed: " + e.getMessage(), e);
            }
        }
        throw new NetloomException("ip monitor in " + namespace + " reported none of 50 new devices");
    }

    /**
     * Puts one end of a new veth pair in {@code watched}; the returned future completes with the
     * System.nanoTime at which the kernel reported the peer deleted, i.e. when {@code watched}'s
     * devices were unregistered.
     */
    CompletableFuture<Long> watch(String watched) {
        String end = "nlw" + pairs;
        String peer = "nlo" + pairs;
        pairs++;
        CompletableFuture<Long> gone = deleted.computeIfAbsent(peer, d -> new CompletableFuture<>());
        Proc.run(List.of("ip", "-n", watched, "link", "add", end, "type", "veth", "peer", "name", peer, "netns", namespace), STEP).orThrow();
        return gone;
    }

    /** Waits for {@code gone} (from {@link #watch}); returns its System.nanoTime. */
    static long await(CompletableFuture<Long> gone, Duration budget) {
        try {
            return gone.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NetloomException("the devices of a deleted namespace were not gone within " + budget.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new NetloomException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while waiting for devices to go", e);
        }
    }

    /**
     * Waits for {@code gone} (from {@link #watch}), then runs one command that takes the RTNL lock
     * ({@code ip -n OBSERVER link set dev lo up}); returns the System.nanoTime at which it returned,
     * i.e. when the kernel had finished the deletion batch (plus the few milliseconds of one ip process).
     */
    long awaitUnlocked(CompletableFuture<Long> gone, Duration budget) {
        await(gone, budget);
        Proc.run(List.of("ip", "-n", namespace, "link", "set", "dev", "lo", "up"), budget).orThrow();
        return System.nanoTime();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                Matcher m = LINK_LINE.matcher(line);
                if (m.find()) {
                    (m.group(1) != null ? deleted : seen).computeIfAbsent(m.group(2), d -> new CompletableFuture<>()).complete(now);
                }
            }
        } catch (IOException e) {
            // the monitor was stopped
        }
        NetloomException ended = new NetloomException("ip monitor in " + namespace + " ended");
        seen.values().forEach(f -> f.completeExceptionally(ended));
        deleted.values().forEach(f -> f.completeExceptionally(ended));
    }

    /** Stops the monitor and deletes the observer namespace. */
    @Override
    public void close() {
        monitor.destroy();
        try {
            if (!monitor.waitFor(5, TimeUnit.SECONDS)) {
                monitor.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Proc.run(List.of("ip", "netns", "del", namespace), STEP);
    }
}
