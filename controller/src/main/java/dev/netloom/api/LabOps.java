package dev.netloom.api;

import dev.netloom.observe.LabStats;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.impairment.Impairment;
import dev.netloom.topology.Topology;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.LinkCapture;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the API does to a lab. {@link LabBackend} implements it on a real {@link dev.netloom.lab.Lab};
 * protocol tests fake it. Names given to the methods were already checked against
 * {@link #nodeNames()} and {@link #linkNames()}.
 */
public interface LabOps {

    /** The lab as {@code lab.status} shows it (the server adds the socket path). */
    record LabInfo(String lab, String state, String namespace, String runDirectory) {
    }

    /** One guest interface; {@code address} (IPv4) or {@code address6} (IPv6) is null in a lab without that family. */
    record InterfaceInfo(String name, String address, String segment, String mac, String address6) {
        InterfaceInfo(String name, String address, String segment, String mac) {
            this(name, address, segment, mac, null);
        }
    }

    /** One node; {@code bootMillis} is null before READY, {@code pid} -1 without a process. */
    record NodeInfo(String name, String state, String image, Long bootMillis, long pid, List<InterfaceInfo> interfaces) {
    }

    /** One interface on a link or LAN; each address null in a lab without that family. */
    record MemberInfo(String node, String iface, String address, String address6) {
        MemberInfo(String node, String iface, String address) {
            this(node, iface, address, null);
        }
    }

    /**
     * A link or LAN: {@code kind} is "link" or "lan"; impairments and engines per direction (the keys
     * are the directions: "a->b" for links, the member's name for LANs).
     */
    record LinkInfo(String name, String kind, List<MemberInfo> members, boolean up, Map<String, Impairment> impairments,
                    Map<String, String> engines, Map<String, Boolean> directionsUp) {

        /** A link or LAN whose directions are all up or all down as {@code up} says. */
        public LinkInfo(String name, String kind, List<MemberInfo> members, boolean up, Map<String, Impairment> impairments,
                        Map<String, String> engines) {
            this(name, kind, members, up, impairments, engines, Map.of());
        }
    }

    /**
     * A capture running for a client ({@code link.capture}): the taps it listens on, a future that
     * completes with why it ended once its last byte is written, and how to stop it.
     */
    record CaptureHandle(List<CaptureTap> taps, CompletableFuture<String> ended, Consumer<String> stop) {
    }

    /**
     * A console relayed from the host that runs the node (a coordinator's {@code node.console}): the
     * agent's answer, how to pass the client's bytes on, how to end it, and when it ended.
     */
    record RelayedConsole(com.fasterxml.jackson.databind.JsonNode answer, Typist typist, Runnable close, CompletableFuture<Void> ended) {
    }

    /** Passes a client's bytes on to a relayed console. */
    interface Typist {
        void type(byte[] bytes) throws java.io.IOException;
    }

    LabInfo info();

    /** Node names in scenario order. */
    List<String> nodeNames();

    /** Link and LAN names in plan order. */
    List<String> linkNames();

    List<NodeInfo> nodes();

    List<LinkInfo> links();

    /** The directions of a link ("a->b", "b->a") or LAN (its members' names), as {@link LinkInfo#impairments()} has them. */
    default java.util.Collection<String> directions(String link) {
        return links().stream().filter(l -> l.name().equals(link)).findFirst().map(l -> l.impairments().keySet())
                .orElseGet(java.util.Set::of);
    }

    /** Queues a command on a node; fails with an ApiException NOT_READY when the node is not READY. Never blocks. */
    CompletableFuture<ExecResult> exec(String node, String command, Duration timeout);

    /** stop, start or restart; blocks until done (a started node is configured before this returns). */
    void nodeAction(String node, String action);

    /** Sets or merges a link's impairment (every direction when {@code direction} is null); blocks. */
    void setImpairment(String link, String direction, Impairment impairment);

    /** Takes a link down or up, both ways ({@code direction} null) or one direction (routes follow with static routing); blocks. */
    void setLinkState(String link, String direction, boolean up);

    /**
     * Takes a lab with a link model to topology step {@code step} (1 is the first), or to the next one
     * when null, applying only the links that change; blocks. Returns what changed.
     */
    default String step(Integer step) {
        throw new dev.netloom.nodes.BadInputException("this lab has no topology steps");
    }

    Topology.View topology();

    String topologyDot();

    /** Whether node.console is relayed to another host ({@link #relayConsole}) rather than joined here ({@link #console}). */
    default boolean relaysConsoles() {
        return false;
    }

    /**
     * Attaches to {@code node}'s console on the host that runs it, with node.console's {@code params};
     * the console's bytes go to {@code out}. Blocks while it connects.
     */
    default RelayedConsole relayConsole(String node, com.fasterxml.jackson.databind.node.ObjectNode params, LinkCapture.Output out) {
        throw new UnsupportedOperationException("this lab's consoles are here");
    }

    /** The console for people of a READY node (one per node while its process lives); an ApiException NOT_READY otherwise. */
    ConsoleBroker console(String node);

    /**
     * Starts capturing a link or LAN into {@code out} (see {@link dev.netloom.lab.Lab#capture}); blocks
     * until every tcpdump listens. A filter tcpdump refuses is a BadInputException.
     */
    CaptureHandle capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                          LinkCapture.Output out);

    /** A reading of the lab's counters (links from the host side, nodes' QEMU processes); blocks for the ip and tc it runs. */
    LabStats stats();
}
