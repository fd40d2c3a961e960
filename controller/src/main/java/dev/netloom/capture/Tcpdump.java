package dev.netloom.capture;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.host.UserNetns;
import dev.netloom.nodes.NetloomException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tcpdump command lines of captures, each run in the lab's namespace ({@link Netns#exec}: an
 * argument list, never a shell): one process per tap, listening to what the tap's guest sends
 * ({@code -Q in}). A user's BPF filter is one argument after {@code --}, so it cannot become an
 * option, and is compiled first ({@link #checkFilter}) so that a bad one is refused with tcpdump's
 * own message before anything starts.
 */
public final class Tcpdump {

    /** Longer filters are not BPF a person wrote. */
    public static final int MAX_FILTER = 2048;
    private static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(20);

    private Tcpdump() {
    }

    /**
     * {@code tcpdump ...} in the namespace: the common start. -Z root keeps root, so ring files may be
     * written in the root-owned run directory (in an ordinary user's lab namespace, root is that user).
     */
    private static List<String> base(Netns namespace, String tap) {
        requireRoot(namespace);
        return new ArrayList<>(namespace.exec(List.of("tcpdump", "-i", tap, "-Q", "in", "-n", "-Z", "root",
                "-s", String.valueOf(Pcapng.SNAPLEN))));
    }

    /** A live capture: pcap on standard output, each frame written as it comes ({@code -U}, {@code --immediate-mode}). */
    public static List<String> live(Netns namespace, String tap, String filter) {
        List<String> c = base(namespace, tap);
        c.addAll(List.of("--immediate-mode", "-U", "-w", "-"));
        return withFilter(c, filter);
    }

    /**
     * A flight recorder ring: {@code files} files of {@code fileMillions} million bytes named
     * {@code prefix0}, {@code prefix1}, ... that tcpdump reuses in turn, so the last
     * {@code (files - 1) * fileMillions} million bytes at least are always on disk.
     */
    public static List<String> ring(Netns namespace, String tap, Path prefix, int fileMillions, int files) {
        List<String> c = base(namespace, tap);
        // immediate mode: without it the kernel hands frames over in blocks, up to a second late, and a
        // failed check's last frames would not be in the files yet when they are saved
        c.addAll(List.of("--immediate-mode", "-U", "-C", String.valueOf(fileMillions), "-W", String.valueOf(files), "-w", prefix.toString()));
        return c;
    }

    /** Compiles {@code filter} for the tap's link type and prints the program ({@code -d}): the check before a capture. */
    public static List<String> compile(Netns namespace, String tap, String filter) {
        requireRoot(namespace);
        List<String> c = new ArrayList<>(namespace.exec(List.of("tcpdump", "-d", "-i", tap)));
        return withFilter(c, filter);
    }

    /**
     * Refuses captures in an ordinary user's lab namespace ({@link UserNetns}): tcpdump, root there,
     * sets its groups when it drops privileges (-Z root, or Debian's default user tcpdump), and the
     * kernel forbids setgroups in a user namespace that an ordinary user made.
     */
    static void requireRoot(Netns namespace) {
        if (namespace instanceof UserNetns) {
            throw new NetloomException("captures need a lab run as root: tcpdump changes its groups when it starts, which the kernel"
                    + " forbids in the user namespace of a lab without root (docs/host.md, \"Running without root\")");
        }
    }

    private static List<String> withFilter(List<String> c, String filter) {
        if (filter != null) {
            c.add("--");
            c.add(filter);
        }
        return c;
    }

    /**
     * Refuses what cannot be a filter before a process sees it: control characters, very long text.
     * Null or blank means no filter (every frame).
     */
    public static String normalize(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        if (filter.length() > MAX_FILTER) {
            throw new BadInputException("--filter is " + filter.length() + " characters long; a BPF filter has at most " + MAX_FILTER);
        }
        for (int i = 0; i < filter.length(); i++) {
            char ch = filter.charAt(i);
            if (Character.isISOControl(ch) && ch != '\n' && ch != '\t') {
                throw new BadInputException(String.format("--filter has a control character (U+%04X) at position %d; write a BPF"
                        + " expression such as \"icmp or arp\"", (int) ch, i + 1));
            }
        }
        return filter.strip();
    }

    /** Compiles the filter on the tap with tcpdump itself; a BadInputException with tcpdump's reason when it does not compile. */
    public static void checkFilter(Netns namespace, String tap, String filter) {
        if (filter == null) {
            return;
        }
        Proc.Result r = Proc.run(compile(namespace, tap, filter), COMPILE_TIMEOUT);
        if (!r.ok()) {
            throw new BadInputException(filterError(filter, r.stderr()));
        }
    }

    /** "--filter "icmpx": tcpdump says: can't parse filter expression: syntax error; ..." from tcpdump's error output. */
    static String filterError(String filter, String stderr) {
        String said = stderr.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("Running as user") && !l.startsWith("Warning:"))
                .map(l -> l.startsWith("tcpdump: ") ? l.substring("tcpdump: ".length()) : l)
                .collect(Collectors.joining("; "));
        return "--filter \"" + filter + "\" is not a BPF filter tcpdump accepts: " + (said.isEmpty() ? "no reason given" : said)
                + "; write a pcap-filter(7) expression such as \"icmp\", \"tcp port 80\" or \"host 10.0.0.1 and not arp\"";
    }
}
