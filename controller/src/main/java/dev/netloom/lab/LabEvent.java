package dev.netloom.lab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NodeState;

import java.time.Instant;
import java.util.Locale;

/**
 * A line of a lab's event log, also sent to listeners (the CLI's progress, API subscribers): what
 * happened, to what, when.
 *
 * @param kind    what it is about
 * @param subject the lab, node, link, check or timeline event it concerns
 * @param detail  for people
 * @param state   for {@link Kind#NODE} events that are a state change, the node's new state; else null
 */
public record LabEvent(Instant at, Kind kind, String subject, String detail, NodeState state) {

    /** What an event is about; {@link #key()} is its name in the log and the API. */
    public enum Kind {
        NODE, NODE_CONFIGURED, LINK, TIMELINE, CHECK, LAB, ROUTING, EXEC, CLEANUP;

        /** "node" for both node kinds (API subscribers see a configured node as a node event), else the name in lower case. */
        public String key() {
            return this == NODE_CONFIGURED ? "node" : name().toLowerCase(Locale.ROOT);
        }
    }

    public static LabEvent of(Kind kind, String subject, String detail) {
        return new LabEvent(Instant.now(), kind, subject, detail, null);
    }

    /** {@code {at, kind, subject, detail}}, plus {@code state} for node events that are a state change: as the API and --events write it. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode()
                .put("at", at.toString())
                .put("kind", kind.key())
                .put("subject", subject)
                .put("detail", detail);
        if (state != null) {
            o.put("state", state.name());
        }
        return o;
    }

    @Override
    public String toString() {
        return at + " " + kind.key() + " " + subject + (detail.isEmpty() ? "" : ": " + detail);
    }
}
