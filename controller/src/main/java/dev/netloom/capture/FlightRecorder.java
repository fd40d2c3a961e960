package dev.netloom.capture;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The flight recorder of a lab ({@code "capture": {"ring": "4MB"}}): every tap keeps at least the
 * last {@code ring} bytes of what its guest sent, in tcpdump ring files in the lab's run directory
 * ({@link Tcpdump#ring}), so that when a check fails the traffic that led to it can be saved as
 * pcapng ({@link #save}). The files go with the run directory when the lab goes down; the tcpdumps
 * run in the lab's namespace, so a crashed controller's clean-up finds them there.
 */
public final class FlightRecorder implements AutoCloseable {

    /** tcpdump's -C unit. */
    static final long MILLION = 1_000_000;
    /** At most this many files per ring; larger rings get larger files. */
    static final int MAX_FILES = 10;

    /** A ring's files: {@code files} of {@code fileMillions} million bytes. */
    record Ring(int fileMillions, int files) {
        /** Files enough that the ones not being written hold at least {@code bytes}. */
        static Ring of(long bytes) {
            long millions = Math.max(1, (bytes + MILLION - 1) / MILLION);
            int full = (int) Math.min(millions, MAX_FILES);
            int size = (int) ((millions + full - 1) / full);
            return new Ring(size, full + 1);
        }
    }

    private final Netns namespace;
    private final Path dir;
    private final Map<String, List<CaptureTap>> bySegment = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    private FlightRecorder(Netns namespace, Path dir) {
        this.namespace = namespace;
        this.dir = dir;
    }

    /** Starts a ring on every tap and returns once each tcpdump listens. */
    public static FlightRecorder start(Netns namespace, List<CaptureTap> taps, Path dir, long ringBytes) {
        FlightRecorder r = new FlightRecorder(namespace, dir);
        try {
            Files.createDirectories(dir);
            r.begin(taps, Ring.of(ringBytes));
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e instanceof NetloomException n ? n : new NetloomException("cannot start the flight recorder: " + e.getMessage(), e);
        }
        return r;
    }

    private void begin(List<CaptureTap> taps, Ring ring) throws IOException {
        List<CompletableFuture<String>> listening = new ArrayList<>();
        for (CaptureTap t : taps) {
            bySegment.computeIfAbsent(t.segment(), k -> new ArrayList<>()).add(t);
            Process p = Proc.startPiped(Tcpdump.ring(namespace, t.tap(), prefix(t), ring.fileMillions(), ring.files()));
            processes.add(p);
            p.getInputStream().close();
            CompletableFuture<String> heard = new CompletableFuture<>();
            listening.add(heard);
            Thread reader = new Thread(() -> listen(p.getErrorStream(), heard), "recorder-" + t.tap());
            reader.setDaemon(true);
            reader.start();
        }
        for (int i = 0; i < listening.size(); i++) {
            try {
                String said = listening.get(i).get(LinkCapture.LISTEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!said.contains("listening on")) {
                    throw new NetloomException("the flight recorder's tcpdump on tap " + taps.get(i).tap() + " did not start: " + said);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new NetloomException("the flight recorder's tcpdump on tap " + taps.get(i).tap() + " did not start within "
                        + LinkCapture.LISTEN_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetloomException("interrupted while starting the flight recorder", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new NetloomException("the flight recorder's tcpdump on tap " + taps.get(i).tap() + " failed: " + e.getCause());
            }
        }
    }

    /** Completes with the first line that says tcpdump listens, or with everything it said when it ends without. */
    private static void listen(InputStream err, CompletableFuture<String> heard) {
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("listening on")) {
                    heard.complete(line);
                } else if (all.length() < 4096) {
                    all.append(line.strip()).append(' ');
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        heard.complete(all.length() == 0 ? "no message" : all.toString().strip());
    }

    private Path prefix(CaptureTap t) {
        return dir.resolve(t.tap() + ".pcap");
    }

    /** The links and LANs recorded. */
    public List<String> segments() {
        return List.copyOf(bySegment.keySet());
    }

    /**
     * Writes what the ring of {@code segment} holds now to {@code target} as pcapng (an interface per
     * tap, frames in time order): the whole file or nothing.
     */
    public void save(String segment, Path target) {
        List<CaptureTap> taps = bySegment.get(segment);
        if (taps == null) {
            throw new IllegalArgumentException(segment + " is not recorded; recorded: " + segments());
        }
        record Frame(int tap, PcapReader.Packet packet) {
        }
        List<Frame> frames = new ArrayList<>();
        try {
            for (int i = 0; i < taps.size(); i++) {
                for (Path file : ringFiles(taps.get(i))) {
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                        PcapReader reader = PcapReader.open(in);
                        PcapReader.Packet p;
                        while (reader != null && (p = reader.next()) != null) {
                            frames.add(new Frame(i, p));
                        }
                    }
                }
            }
            frames.sort(Comparator.comparingLong(f -> f.packet().micros()));
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                    out.write(Pcapng.sectionHeader());
                    for (CaptureTap t : taps) {
                        out.write(Pcapng.interfaceDescription(t.tap(), t.description()));
                    }
                    for (Frame f : frames) {
                        PcapReader.Packet p = f.packet();
                        out.write(Pcapng.enhancedPacket(f.tap(), p.micros(), p.data(), p.originalLength(), Pcapng.Direction.INBOUND));
                    }
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new NetloomException("cannot save the flight recorder of " + segment + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** A tap's ring files, oldest first (tcpdump reuses them in turn; the one written last is the newest). */
    private List<Path> ringFiles(CaptureTap t) throws IOException {
        String name = prefix(t).getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name) && f.getFileName().toString().substring(name.length()).matches("[0-9]+"))
                    .sorted(Comparator.comparing(FlightRecorder::modified).thenComparing(Path::toString))
                    .toList();
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Stops every tcpdump of the recorder (SIGTERM, then SIGKILL), only those it started. */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
