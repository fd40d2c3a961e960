package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.BadInputException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A paused guest's device state saved to a file and loaded back, over QMP, with RAM left out: the
 * RAM is a file the template wrote and its forks map ({@code x-ignore-shared}), so the state is a few
 * hundred kilobytes and saving or loading it takes milliseconds. QEMU 7.2 has no {@code file:}
 * migration, so the file is read and written by {@code cat} through {@code exec:}; the path is checked
 * and quoted so that QEMU's shell takes it as one word.
 */
public final class Migration {

    /** What a state path may contain: it reaches QEMU's {@code /bin/sh -c} inside single quotes. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9/._+@-]*");
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private Migration() {
    }

    /** Stops the guest and writes its device state (not its RAM) to {@code state}; completes when QEMU has written it all. */
    public static CompletableFuture<Void> save(QmpClient qmp, Path state, Duration timeout) {
        String uri = "exec:cat > " + quoted(state);
        return qmp.execute("stop")
                .thenCompose(r -> qmp.execute("migrate-set-capabilities", capabilities()))
                .thenCompose(r -> {
                    CompletableFuture<Void> done = finished(qmp, "saving the device state to " + state);
                    return qmp.execute("migrate", args("uri", uri)).thenCompose(x -> done);
                })
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the device state from {@code state} into a QEMU started with {@code -incoming defer} and
     * lets the guest run on; completes once it runs.
     *
     * <p>QEMU announces a NIC after an incoming migration by writing RARP frames straight to its
     * backend, five rounds over about 1.25 s, and asks the guest to send gratuitous ARPs. A fork's
     * MAC is new to no one (its link was made for it), and frames no guest sent would show in the
     * link's counters and captures, so the announcement is switched off ({@code announce-rounds 0}).
     */
    public static CompletableFuture<Void> load(QmpClient qmp, Path state, Duration timeout) {
        String uri = "exec:cat " + quoted(state);
        return qmp.execute("migrate-set-parameters", noAnnounce())
                .thenCompose(r -> qmp.execute("migrate-set-capabilities", capabilities()))
                .thenCompose(r -> {
                    CompletableFuture<Void> done = finished(qmp, "loading the device state from " + state);
                    return qmp.execute("migrate-incoming", args("uri", uri)).thenCompose(x -> done);
                })
                .thenCompose(v -> qmp.queryStatus())
                .thenCompose(s -> s.running() ? CompletableFuture.completedFuture(null) : qmp.execute("cont").thenApply(x -> (Void) null))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code state} in single quotes, or a BadInputException when it holds anything but plain path characters. */
    static String quoted(Path state) {
        String path = state.toAbsolutePath().normalize().toString();
        if (!SAFE_PATH.matcher(path).matches()) {
            throw new BadInputException("fork template path " + path + " has characters QEMU's exec: migration cannot take"
                    + " (only letters, digits and / . _ + @ -): use a plain cache directory (XDG_CACHE_HOME)");
        }
        return "'" + path + "'";
    }

    /** x-ignore-shared leaves file-backed RAM out of the stream; events reports each migration state. */
    private static ObjectNode capabilities() {
        ArrayNode caps = JsonNodeFactory.instance.arrayNode();
        for (String c : new String[] {"x-ignore-shared", "events"}) {
            caps.addObject().put("capability", c).put("state", true);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("capabilities", caps);
        return o;
    }

    /** No self-announcement after loading (QEMU's default is 5 rounds of RARP frames). */
    static ObjectNode noAnnounce() {
        return JsonNodeFactory.instance.objectNode().put("announce-rounds", 0);
    }

    private static ObjectNode args(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }

    /** Completes when the MIGRATION events reach {@code completed}; fails on {@code failed} or {@code cancelled}. */
    private static CompletableFuture<Void> finished(QmpClient qmp, String what) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Consumer<QmpEvent> listener = e -> {
            if (!e.name().equals("MIGRATION")) {
                return;
            }
            String status = e.data().path("status").asText();
            if (!FINAL.contains(status)) {
                return;
            }
            if (status.equals("completed")) {
                done.complete(null);
            } else {
                done.completeExceptionally(new QmpException(what + ": migration " + status + " (see the QEMU log)", null));
            }
        };
        qmp.addEventListener(listener);
        qmp.closeFuture().thenRun(() -> done.completeExceptionally(new QmpException(what + ": QEMU closed QMP", null)));
        return done.whenComplete((v, e) -> qmp.removeEventListener(listener));
    }
}
