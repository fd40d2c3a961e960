package dev.netloom.fabric;

import dev.netloom.impairment.HostTbf;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Target;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.TestScenarios;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real fabric without QEMU: a lab's namespace with 106 links (a full mesh of 15 nodes and a parallel
 * link) and two LANs, its taps held open by a small helper that writes and reads real frames. Checks
 * that every frame reaches exactly the other end of its link, or every other member of its LAN, and
 * nothing else (broadcast, ARP, IPv6 multicast, unknown unicast, tagged and link-local frames), that
 * a capture on a tap sees both directions, that a link that is down passes nothing, that the host
 * engines' qdisc on the receiver's tap shapes what the sender sends, and that deleting the namespace
 * removes everything.
 */
@Tag("e2e")
class FabricE2ETest {

    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final String BROADCAST = "ffffffffffff";

    @TempDir
    Path dir;

    private Fabric fabric;
    private TapHelper helper;

    @AfterEach
    void tearDown() {
        if (helper != null) {
            helper.close();
        }
        if (fabric != null) {
            fabric.destroy();
        }
    }

    /** n1..n15 fully meshed (105 links), a second link n1-n2, LAN "lana" of n1 n2 n3, LAN "lanb" of n3 n4 n5 n6. */
    private static Plan meshWithLans(String lab) {
        List<String> nodes = TestScenarios.nodes("n", 15);
        List<LinkDef> links = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                links.add(link(nodes.get(i), nodes.get(j)));
            }
        }
        links.add(link("p12", "n1", "n2"));
        Scenario s = TestScenarios.scenario(nodes, links, List.of(lan("lana", "n1", "n2", "n3"), lan("lanb", "n3", "n4", "n5", "n6")));
        Plan plan = Planner.plan(s, TestScenarios.addresses(s));
        return new Plan(lab, plan.nodes(), plan.segments());
    }

    /** A lab name of this test run's own: fe PID suffix. */
    private static String lab(String suffix) {
        return "fe" + ProcessHandle.current().pid() + suffix;
    }

    private static List<String> taps(Plan plan) {
        return plan.segments().stream().flatMap(s -> s.members().stream()).map(SegmentPlan.Member::tap).toList();
    }

    /** Every tap held open ("tap:DEV", in {@link #taps} order), then the given captures ("cap:DEV"). */
    private TapHelper open(Plan plan, String... captures) throws Exception {
        List<String> args = new ArrayList<>(taps(plan).stream().map(t -> "tap:" + t).toList());
        for (String c : captures) {
            args.add("cap:" + c);
        }
        helper = TapHelper.start(fabric.namespace(), args, dir, BUDGET);
        awaitForwarding(plan.segments().stream().filter(s -> s.kind() == SegmentPlan.Kind.LAN)
                .flatMap(s -> s.members().stream()).map(SegmentPlan.Member::tap).toList());
        return helper;
    }

    /**
     * Waits until the LAN bridges forward on these taps. A bridge learns that a port's tap got its
     * carrier (the helper attached) or came up from the kernel's link watcher, up to a second later;
     * a link's redirect looks at the tap itself and needs no wait.
     */
    private void awaitForwarding(List<String> taps) throws InterruptedException {
        long end = System.nanoTime() + BUDGET.toNanos();
        while (true) {
            String ports = Proc.run(List.of("bridge", "-n", fabric.namespace(), "link", "show"), BUDGET).orThrow().stdout();
            Set<String> forwarding = ports.lines().filter(l -> l.contains(" state forwarding "))
                    .map(l -> l.split(":")[1].strip().split("@")[0]).collect(Collectors.toSet());
            if (forwarding.containsAll(taps)) {
                return;
            }
            assertThat(System.nanoTime()).as("bridge ports forwarding after %s:%n%s", BUDGET, ports).isLessThan(end);
            Thread.sleep(20);
        }
    }

    @Test
    void everyFrame_reachesExactlyItsOwnLinksOtherEndOrLanPeers_andACaptureOnATapSeesBothDirections() throws Exception {
        Plan plan = meshWithLans(lab("i"));
        fabric = Fabric.create(plan);
        List<String> taps = taps(plan);
        String linkTap = plan.segment("n1-n2").members().get(0).tap();
        String lanTap = plan.segment("lanb").member("n3").tap();
        TapHelper io = open(plan, linkTap, lanTap);
        int linkCap = taps.size();
        int lanCap = taps.size() + 1;

        Map<String, Set<Integer>> expected = new LinkedHashMap<>(); // frame -> the taps that must deliver it, once each
        Map<String, Integer> sender = new HashMap<>();
        Map<Integer, Set<Integer>> peers = new HashMap<>();
        for (SegmentPlan s : plan.segments()) {
            for (SegmentPlan.Member m : s.members()) {
                int from = taps.indexOf(m.tap());
                Set<Integer> others = s.members().stream().filter(o -> o != m).map(o -> taps.indexOf(o.tap())).collect(Collectors.toSet());
                peers.put(from, others);
                for (String frame : frames(from, s.kind() == SegmentPlan.Kind.LINK)) {
                    expected.put(frame, others);
                    sender.put(frame, from);
                    io.send(from, frame);
                }
            }
        }
        // the barrier: a last frame from every tap, written after all the others
        Map<String, Integer> sentinels = new HashMap<>();
        for (int t = 0; t < taps.size(); t++) {
            String last = frame(BROADCAST, mac(t), "88b5", "ffff");
            sentinels.put(last, t);
            io.send(t, last);
        }
        io.await(events -> {
            List<String> missing = new ArrayList<>();
            Map<Integer, Long> heard = events.stream().filter(e -> e.kind().equals("recv") && sentinels.containsKey(e.hex()))
                    .collect(Collectors.groupingBy(TapHelper.Event::arg, Collectors.counting()));
            peers.forEach((t, p) -> {
                if (heard.getOrDefault(t, 0L) < p.size()) {
                    missing.add(taps.get(t) + " has " + heard.getOrDefault(t, 0L) + " of " + p.size());
                }
            });
            // the captures too: the link tap its own and its peer's, the LAN tap its own and its 3 peers'
            Map<Integer, Long> captured = events.stream().filter(e -> e.kind().equals("cap") && sentinels.containsKey(e.hex()))
                    .collect(Collectors.groupingBy(TapHelper.Event::arg, Collectors.counting()));
            if (captured.getOrDefault(linkCap, 0L) < 2 || captured.getOrDefault(lanCap, 0L) < 4) {
                missing.add("captured " + captured);
            }
            return missing.isEmpty() ? null : "sentinels: " + String.join(", ", missing);
        }, BUDGET);

        List<String> problems = new ArrayList<>();
        Map<String, Integer> delivered = new HashMap<>();
        for (TapHelper.Event e : io.events()) {
            if (e.kind().equals("recv") && !sentinels.containsKey(e.hex())) {
                Set<Integer> to = expected.get(e.hex());
                if (to == null) {
                    problems.add(taps.get(e.arg()) + " delivered a frame nobody sent: " + e.hex());
                } else if (!to.contains(e.arg())) {
                    problems.add(taps.get(e.arg()) + " delivered a frame of " + taps.get(sender.get(e.hex())) + ", not on its segment: " + e.hex());
                } else if (delivered.merge(e.hex() + "@" + e.arg(), 1, Integer::sum) > 1) {
                    problems.add(taps.get(e.arg()) + " delivered a frame twice: " + e.hex());
                }
            } else if (e.kind().equals("error") || e.kind().equals("other") && !e.detail().equals("ready")) {
                problems.add("helper: " + e);
            }
        }
        expected.forEach((frame, to) -> to.forEach(t -> {
            if (!delivered.containsKey(frame + "@" + t)) {
                problems.add(taps.get(t) + " never delivered " + taps.get(sender.get(frame)) + "'s " + frame);
            }
        }));
        assertThat(problems).as("%d frames sent to %d taps", expected.size(), taps.size()).isEmpty();
        assertThat(expected).hasSizeGreaterThan(1200);

        // a capture on a tap sees what its guest sends (in) and what it is sent (out): the whole link, each frame once
        assertThat(captured(io, linkCap)).containsExactlyInAnyOrderElementsOf(expectedCapture(linkTap, plan.segment("n1-n2"), taps, expected, sender));
        assertThat(captured(io, lanCap)).containsExactlyInAnyOrderElementsOf(expectedCapture(lanTap, plan.segment("lanb"), taps, expected, sender));
    }

    private static List<String> captured(TapHelper io, int arg) {
        return io.events().stream().filter(e -> e.kind().equals("cap") && e.arg() == arg).map(e -> e.detail() + " " + e.hex()).toList();
    }

    /**
     * What a capture on {@code tap} must see: its own frames in, its peers' frames out, and the
     * sentinels likewise. A packet socket gets a VLAN tag beside the frame, not in it (tcpdump puts it
     * back from the socket's auxiliary data; the helper does not), so tagged frames appear untagged.
     */
    private static List<String> expectedCapture(String tap, SegmentPlan s, List<String> taps, Map<String, Set<Integer>> expected,
                                                Map<String, Integer> sender) {
        int me = taps.indexOf(tap);
        List<String> out = new ArrayList<>();
        expected.forEach((frame, to) -> {
            String seen = frame.startsWith("8100", 24) ? frame.substring(0, 24) + frame.substring(32) : frame;
            if (sender.get(frame) == me) {
                out.add("in " + seen);
            } else if (to.contains(me)) {
                out.add("out " + seen);
            }
        });
        for (SegmentPlan.Member m : s.members()) {
            int t = taps.indexOf(m.tap());
            out.add((t == me ? "in " : "out ") + frame(BROADCAST, mac(t), "88b5", "ffff"));
        }
        return out;
    }

    @Test
    void aLinkOrLanThatIsDown_passesNothing_andPassesAgainOnceUp() throws Exception {
        Plan plan = meshWithLans(lab("d"));
        fabric = Fabric.create(plan);
        List<String> taps = taps(plan);
        TapHelper io = open(plan);
        SegmentPlan link = plan.segment("n2-n3");
        SegmentPlan lanA = plan.segment("lana");
        SegmentPlan other = plan.segment("n4-n5");
        int a = taps.indexOf(link.members().get(0).tap());
        int b = taps.indexOf(link.members().get(1).tap());
        int l1 = taps.indexOf(lanA.members().get(0).tap());
        int o1 = taps.indexOf(other.members().get(0).tap());
        int o2 = taps.indexOf(other.members().get(1).tap());

        fabric.setState(link, Set.of(), link.impairments().keySet());
        fabric.setState(lanA, Set.of(), lanA.impairments().keySet());
        io.send(a, frame(BROADCAST, mac(a), "88b5", "0d01"));
        io.send(b, frame(BROADCAST, mac(b), "88b5", "0d02"));
        io.send(l1, frame(BROADCAST, mac(l1), "88b5", "0d03"));
        String barrier = frame(BROADCAST, mac(o1), "88b5", "0d04");
        io.send(o1, barrier);
        io.await(events -> events.stream().anyMatch(e -> e.kind().equals("recv") && e.arg() == o2 && e.hex().equals(barrier)), BUDGET, "the barrier frame");
        // a tap that is down refuses the guest's frame (QEMU gets EIO), so nothing reaches the other side
        assertThat(io.events()).filteredOn(e -> e.kind().equals("error")).extracting(TapHelper.Event::arg).containsExactlyInAnyOrder(a, b, l1);
        assertThat(io.events()).filteredOn(e -> e.kind().equals("recv")).extracting(TapHelper.Event::arg).containsExactly(o2);

        io.clear();
        fabric.setState(link, link.impairments().keySet(), Set.of());
        fabric.setState(lanA, lanA.impairments().keySet(), Set.of());
        awaitForwarding(lanA.members().stream().map(SegmentPlan.Member::tap).toList());
        String again = frame(BROADCAST, mac(a), "88b5", "0d05");
        String lanAgain = frame(BROADCAST, mac(l1), "88b5", "0d06");
        io.send(a, again);
        io.send(l1, lanAgain);
        io.await(events -> events.stream().filter(e -> e.kind().equals("recv")).count() >= 3, BUDGET, "frames over the link and LAN that are up again");
        assertThat(io.events()).filteredOn(e -> e.kind().equals("recv")).extracting(e -> taps.get(e.arg()) + " " + e.hex())
                .containsExactlyInAnyOrder(taps.get(b) + " " + again,
                        lanA.members().get(1).tap() + " " + lanAgain, lanA.members().get(2).tap() + " " + lanAgain);
    }

    @Test
    void theHostEnginesQdiscOnTheReceiversTap_shapesWhatTheSenderSends_andOnlyThatDirection() throws Exception {
        Plan plan = meshWithLans(lab("s"));
        fabric = Fabric.create(plan);
        List<String> taps = taps(plan);
        TapHelper io = open(plan);
        SegmentPlan link = plan.segment("n1-n2");
        Target aToB = link.target("n1->n2");
        int a = taps.indexOf(link.member("n1").tap());
        int b = taps.indexOf(link.member("n2").tap());
        assertThat(aToB.hostTap()).isEqualTo(taps.get(b));

        // 1 mbit/s with a 1600-byte burst queues about 8 KB: of 140 KB sent at once most is dropped, on n2's tap only
        fabric.tc(String.join("\n", new HostTbf().commands(aToB, new Impairment(null, null, null, 1_000_000L, null, null, null))) + "\n");
        int frames = 100;
        String filler = "00".repeat(1386);
        for (int k = 0; k < frames; k++) {
            io.send(a, frame(mac(b), mac(a), "88b5", String.format("%04x", k) + filler));
            io.send(b, frame(mac(a), mac(b), "88b5", String.format("%04x", k) + filler));
        }
        io.await(events -> events.stream().filter(e -> e.kind().equals("recv") && e.arg() == a).count() == frames, BUDGET, "n2's frames at n1");
        assertThat(dropped(taps.get(b))).as("drops on n2's tap, which shapes n1->n2").isPositive();
        assertThat(sentPackets(taps.get(b))).as("packets n2's tap's qdisc sent on").isPositive().isLessThan(frames);
        assertThat(dropped(taps.get(a))).as("drops on n1's tap: n2->n1 is not shaped").isZero();
        assertThat(io.events()).filteredOn(e -> e.kind().equals("recv") && e.arg() == b).hasSizeLessThan(frames);
    }

    private long dropped(String tap) {
        return stat(tap, Pattern.compile("dropped (\\d+)"));
    }

    private long sentPackets(String tap) {
        return stat(tap, Pattern.compile("Sent \\d+ bytes (\\d+) pkt"));
    }

    /** The root qdisc's counter on {@code tap} ({@code tc -s qdisc show}: the first line that has it). */
    private long stat(String tap, Pattern counter) {
        String out = Proc.run(List.of("tc", "-n", fabric.namespace(), "-s", "qdisc", "show", "dev", tap, "root"), BUDGET).orThrow().stdout();
        Matcher m = counter.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void deletingTheNamespace_removesEveryTapBridgeAndRedirect() throws Exception {
        Plan plan = meshWithLans(lab("x"));
        fabric = Fabric.create(plan);
        String links = Proc.run(List.of("ip", "-n", fabric.namespace(), "-o", "link", "show"), BUDGET).orThrow().stdout();
        assertThat(links.lines()).hasSize(1 + taps(plan).size() + 2); // lo, the taps, the two LAN bridges
        assertThat(Proc.run(List.of("ip", "-n", fabric.namespace(), "-o", "link", "show", "type", "bridge"), BUDGET).orThrow().stdout().lines())
                .hasSize(2);
        fabric.destroy();
        assertThat(Fabric.exists(fabric.namespace())).isFalse();
        fabric.destroy(); // idempotent
        fabric = null;
    }

    // ---- frames ----

    /** A locally administered MAC per tap: 02:00:00 and the tap's helper argument number. */
    private static String mac(int tap) {
        return String.format("020000%06x", tap);
    }

    private static String frame(String dst, String src, String type, String payload) {
        return dst + src + type + payload;
    }

    /**
     * What tap {@code t} sends: an ARP request (broadcast), IPv6 to all nodes and to a solicited-node
     * group (multicast), a frame to an address nobody has (flooded by a LAN's bridge), a VLAN-tagged
     * broadcast, and on a link an LLDP frame (a link-local group a bridge would not forward; a link
     * passes it like a cable).
     */
    private static List<String> frames(int t, boolean link) {
        String src = mac(t);
        String ip = String.format("0a%06x", t);
        String ll = "fe80000000000000000000000000" + String.format("%04x", t);
        List<String> f = new ArrayList<>(List.of(
                frame(BROADCAST, src, "0806", "000108000604" + "0001" + src + ip + "000000000000" + "0affffff"),
                frame("333300000001", src, "86dd", "6000000000003bff" + ll + "ff020000000000000000000000000001"),
                frame("3333ff000001", src, "86dd", "6000000000003bff" + ll + "ff0200000000000000000001ff000001"),
                frame("02fffffffffe", src, "88b5", "0001"),
                frame(BROADCAST, src, "8100", "000588b50002")));
        if (link) {
            f.add(frame("0180c200000e", src, "88cc", "0207" + "04" + src + "0000"));
        }
        return f;
    }
}
