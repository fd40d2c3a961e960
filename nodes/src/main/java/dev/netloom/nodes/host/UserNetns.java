package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary user's lab namespace: a network namespace inside a user namespace that the lab owns,
 * held by one small process of this JVM ({@code unshare --user --map-root-user --net cat}, reading a
 * pipe only this JVM writes to). Inside, the user is root with every capability over the lab's own
 * devices, and nothing on the host; programs enter with {@code nsenter --preserve-credentials --user
 * --net --target HOLDER}. The holder ends when this JVM closes the pipe or dies, however it dies, so
 * a crashed lab leaves no holder: its namespace goes with the last of its QEMUs (which cleanup finds by
 * the journal's pids, and every other process inside through them: {@link Netns#membersOf}).
 */
public final class UserNetns implements Netns {

    private static final String HANDSHAKE = "netloom";
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process holder;
    private final OutputStream pipe;

    private UserNetns(String name, Process holder, OutputStream pipe) {
        this.name = name;
        this.holder = holder;
        this.pipe = pipe;
    }

    /** The holder's command: a user namespace mapping this user to root, a network namespace in it, and cat reading the pipe. */
    static List<String> holderCommand() {
        return List.of("unshare", "--user", "--map-root-user", "--net", "--", "cat");
    }

    /**
     * Starts the holder and returns once its namespaces exist: cat echoes a line written to it only
     * after unshare has made them and executed it. When unshare fails (user namespaces disabled), its
     * error is in the exception, with where to look.
     */
    static UserNetns start(String name) {
        Process p;
        try {
            p = Proc.start(holderCommand(), ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
        } catch (IOException e) {
            throw new NetloomException("cannot start unshare for the lab's user namespace: " + e.getMessage() + " (apt-get install util-linux)", e);
        }
        OutputStream pipe = p.getOutputStream();
        BufferedReader echo = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String said;
        try {
            pipe.write((HANDSHAKE + "\n").getBytes(StandardCharsets.UTF_8));
            pipe.flush();
            said = echo.readLine();
        } catch (IOException e) {
            said = null; // unshare ended before it read: its error follows
        }
        if (!HANDSHAKE.equals(said)) {
            StringBuilder why = new StringBuilder(said == null ? "" : said);
            try {
                echo.lines().forEach(l -> why.append(' ').append(l));
            } catch (RuntimeException e) {
                // nothing more to read
            }
            stop(p);
            throw new NetloomException("cannot create a user namespace for lab namespace " + name + ": "
                    + (why.toString().isBlank() ? "unshare exited with " + p.exitValue() : why.toString().strip())
                    + " (labs without root need unprivileged user namespaces; `netloom doctor` says why they do not work here)");
        }
        return new UserNetns(name, p, pipe);
    }

    @Override
    public String name() {
        return name;
    }

    /** The holder's pid: the target of every {@code nsenter}. */
    public long holderPid() {
        return holder.pid();
    }

    @Override
    public List<String> exec(List<String> command) {
        if (!holder.isAlive()) {
            // its pid may belong to another process by now: never enter it
            throw new NetloomException("network namespace " + name + " is gone: the process holding it (pid " + holder.pid() + ") ended");
        }
        List<String> c = new ArrayList<>(List.of("nsenter", "--preserve-credentials", "--user", "--net", "--target",
                Long.toString(holder.pid()), "--"));
        c.addAll(command);
        return c;
    }

    @Override
    public List<String> tool(String tool, List<String> args) {
        List<String> c = new ArrayList<>(List.of(tool));
        c.addAll(args);
        return exec(c);
    }

    @Override
    public List<Long> pids() {
        return Netns.membersOf(holder.pid()).stream().filter(pid -> pid != holder.pid()).toList();
    }

    /** Ends the holder (the pipe closes, cat exits); the namespace goes when the last process inside has. */
    @Override
    public void delete() {
        try {
            pipe.close();
        } catch (IOException e) {
            // the holder is gone already
        }
        stop(holder);
    }

    private static void stop(Process p) {
        try {
            if (!p.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (user namespace held by pid " + holder.pid() + ")";
    }
}
