package dev.netloom.lab;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.FlightRecorder;
import dev.netloom.capture.LinkCapture;
import dev.netloom.capture.Tcpdump;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A lab's packet captures (docs/observability.md): the captures users start on a link or LAN, and the
 * flight recorder's rings on every tap, saved as evidence when a check fails. All of them end with
 * the lab ({@link #close}), before its namespace goes: a tcpdump would hold the namespace.
 */
final class LabCaptures {

    private final Plan plan;
    private final Path recorderDir;
    private final EventLog events;
    private final Set<LinkCapture> running = ConcurrentHashMap.newKeySet();
    private volatile FlightRecorder recorder;
    private volatile Lab.Evidence evidence;

    LabCaptures(Plan plan, Path recorderDir, EventLog events) {
        this.plan = plan;
        this.recorderDir = recorderDir;
        this.events = events;
    }

    /**
     * The taps a capture of a link or LAN listens on, each for what its node sends: every member's, or
     * with {@code direction} ("a->b" on a link, a member's name on a LAN) the sender's only.
     */
    static List<CaptureTap> taps(Plan plan, String segmentName, String direction) {
        SegmentPlan s = plan.segment(segmentName);
        List<CaptureTap> taps = new ArrayList<>();
        for (SegmentPlan.Member m : s.members()) {
            String label = s.kind() != SegmentPlan.Kind.LINK ? m.node()
                    : SegmentPlan.direction(m.node(), s.members().get(0).node().equals(m.node()) ? s.members().get(1).node() : s.members().get(0).node());
            if (direction == null || direction.equals(label)) {
                taps.add(new CaptureTap(s.name(), m.node(), m.tap(), label));
            }
        }
        if (taps.isEmpty()) {
            throw new BadInputException(s.name() + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", taps(plan, segmentName, null).stream().map(CaptureTap::direction).toList()));
        }
        return taps;
    }

    /** Starts the flight recorder on every tap of the lab, a ring of at least {@code ringBytes} each. */
    void startRecorder(Netns namespace, long ringBytes) {
        requireTcpdump();
        List<CaptureTap> taps = plan.segments().stream().flatMap(seg -> taps(plan, seg.name(), null).stream()).toList();
        recorder = FlightRecorder.start(namespace, taps, recorderDir, ringBytes);
        events.accept(LabEvent.of(LabEvent.Kind.LAB, plan.lab(), "flight recorder on " + taps.size() + " taps, at least " + ringBytes + " bytes each"));
    }

    /**
     * Starts a capture ({@link LinkCapture}) once its filter compiles; {@code creating} runs the start
     * unless the lab is going down.
     */
    LinkCapture start(Netns namespace, String segmentName, String direction, String filter, LinkCapture.Format format, long count,
                      Duration duration, LinkCapture.Output out, Consumer<Runnable> creating) {
        List<CaptureTap> taps = taps(plan, segmentName, direction);
        requireTcpdump();
        String checked = Tcpdump.normalize(filter);
        Tcpdump.checkFilter(namespace, taps.get(0).tap(), checked);
        LinkCapture[] started = new LinkCapture[1];
        creating.accept(() -> started[0] = LinkCapture.start(namespace, taps, checked, format, count, duration, out));
        LinkCapture c = started[0];
        running.add(c);
        c.ended().whenComplete((why, e) -> running.remove(c));
        return c;
    }

    private static void requireTcpdump() {
        if (!Proc.onPath("tcpdump")) {
            throw new NetloomException("capturing needs tcpdump: install it with apt-get install tcpdump (./netloom setup does)");
        }
    }

    boolean recording() {
        return recorder != null;
    }

    void saveEvidenceTo(Lab.Evidence where) {
        this.evidence = where;
    }

    /**
     * Saves what the flight recorder holds for {@code segments} as one pcapng per link or LAN, named
     * after the check, and returns the files' names (relative to the evidence directory); none without
     * a recorder or an evidence directory.
     */
    List<String> saveEvidence(String check, List<String> segments) {
        FlightRecorder r = recorder;
        Lab.Evidence e = evidence;
        if (r == null || e == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        String slug = check.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        for (String seg : segments) {
            String base = e.prefix() + "." + slug + "." + seg;
            String name = base + ".pcapng";
            for (int i = 2; Files.exists(e.dir().resolve(name)); i++) {
                name = base + "-" + i + ".pcapng";
            }
            r.save(seg, e.dir().resolve(name));
            names.add(name);
        }
        events.accept(LabEvent.of(LabEvent.Kind.CHECK, check, "flight recorder saved " + String.join(", ", names)));
        return names;
    }

    /** Stops every capture and the recorder. */
    void close() {
        running.forEach(LinkCapture::close);
        FlightRecorder r = recorder;
        if (r != null) {
            r.close();
        }
    }
}
