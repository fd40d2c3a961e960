package dev.netloom.topology;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What passes nothing at a moment: links and LANs that are down (a link down both ways is down), and
 * links down in one direction only. Routing treats a link down one way as unusable for that
 * direction's traffic and keeps using the other. On a shared medium (lan mode) the pairs that are
 * not neighbours now pass nothing between them, while the medium itself stays up. Immutable.
 *
 * @param whole  links and LANs that pass nothing
 * @param oneWay per link down in one direction only, that direction ("A->B")
 * @param apart  per medium with pairs apart, those pairs' directions ("A->B" and "B->A")
 */
public record Outages(Set<String> whole, Map<String, String> oneWay, Map<String, Set<String>> apart) {

    public static final Outages NONE = new Outages(Set.of(), Map.of());

    public Outages {
        whole = Set.copyOf(whole);
        oneWay = Map.copyOf(oneWay);
        apart = apart.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
        for (String link : oneWay.keySet()) {
            if (whole.contains(link)) {
                throw new IllegalArgumentException(link + " is down both ways and one way at once");
            }
        }
    }

    /** Links and LANs down, and links down one way; no medium with pairs apart. */
    public Outages(Set<String> whole, Map<String, String> oneWay) {
        this(whole, oneWay, Map.of());
    }

    /** Only whole links and LANs down. */
    public static Outages whole(Set<String> segments) {
        return new Outages(segments, Map.of());
    }

    /**
     * From the directions down per link or LAN: a segment with every direction of its plan down
     * (both of a link's, or any of a LAN's, which goes down as a whole) is down, a link with one is down
     * one way; a medium's directions are its pairs apart.
     */
    public static Outages of(Plan plan, Map<String, Set<String>> directionsDown) {
        Set<String> whole = new HashSet<>();
        Map<String, String> oneWay = new HashMap<>();
        Map<String, Set<String>> apart = new HashMap<>();
        directionsDown.forEach((name, dirs) -> {
            if (dirs.isEmpty()) {
                return;
            }
            SegmentPlan s = plan.segment(name);
            if (s.kind() == SegmentPlan.Kind.MEDIUM) {
                apart.put(name, dirs);
            } else if (s.kind() == SegmentPlan.Kind.LAN || dirs.containsAll(s.impairments().keySet())) {
                whole.add(name);
            } else if (dirs.size() == 1) {
                oneWay.put(name, dirs.iterator().next());
            } else {
                throw new IllegalArgumentException("link " + name + " has no directions " + dirs);
            }
        });
        return new Outages(whole, oneWay, apart);
    }

    /** Whether a frame from node {@code from} to node {@code to} passes over that link or LAN now. */
    public boolean passes(String segment, String from, String to) {
        String direction = SegmentPlan.direction(from, to);
        return !whole.contains(segment) && !direction.equals(oneWay.get(segment))
                && !apart.getOrDefault(segment, Set.of()).contains(direction);
    }

    /** Whether a link or LAN passes nothing. */
    public boolean isDown(String segment) {
        return whole.contains(segment);
    }

    /** Whether a link, LAN or medium passes everything (neither down nor down one way, no pairs apart). */
    public boolean intact(String segment) {
        return !whole.contains(segment) && !oneWay.containsKey(segment) && !apart.containsKey(segment);
    }

    public boolean isEmpty() {
        return whole.isEmpty() && oneWay.isEmpty() && apart.isEmpty();
    }
}
