package dev.netloom.scenario;

import dev.netloom.nodes.Units;

import java.util.List;

/**
 * Reads "capture": {@code {"ring": "4MB"}} turns on the flight recorder, which keeps at least the last
 * {@code ring} bytes that each node sends on each link and LAN, and saves them as pcapng when a check fails.
 */
final class CaptureSection {

    static final List<String> KEYS = List.of("ring");
    /** tcpdump rings files of a million bytes at least. */
    static final long MIN_RING = 1L << 20;
    static final long MAX_RING = 1L << 30;

    private CaptureSection() {
    }

    static Scenario.Capture read(SourceValue at) {
        if (at == null) {
            return Scenario.Capture.NONE;
        }
        at.object("the capture settings", KEYS);
        SourceValue ringAt = at.get("ring");
        if (ringAt == null) {
            throw at.error("\"capture\" needs \"ring\": the bytes each link direction keeps, e.g. {\"ring\": \"4MB\"}; leave \"capture\" out for no flight recorder");
        }
        long ring = ValueRules.quantity(ringAt, "a size such as \"4MB\"", Units::bytes);
        if (ring < MIN_RING || ring > MAX_RING) {
            throw ringAt.error("ring " + ringAt.node().asText() + " is " + (ring < MIN_RING ? "below 1M" : "above 1G")
                    + "; the flight recorder keeps from \"1M\" to \"1G\" per link direction, e.g. \"4MB\"");
        }
        return new Scenario.Capture(ring);
    }
}
