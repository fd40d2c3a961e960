package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads "links" (two ends each, by "between" or "endpoints", with impairments both ways and per
 * direction) and adds the links of the generators after them.
 */
final class LinksSection {

    static final List<String> KEYS = ImpairmentIn.keysWith(List.of("name", "between", "endpoints", "impairment", "state"));
    static final List<String> STATES = List.of("up", "down");

    /**
     * A link as read; {@code explicitName} is null for a link named after its ends later;
     * {@code stateAt} is where "state" was given ("down": the link starts down), or null.
     */
    record LinkIn(SourceValue at, String explicitName, SourceValue nameAt, EndpointIn a, EndpointIn b, ImpairmentIn symmetric,
                  ImpairmentIn aToBOnly, ImpairmentIn bToAOnly, boolean startsDown, SourceValue stateAt) {

        /** "A->B" and "B->A". */
        List<String> directions() {
            return List.of(a.node() + "->" + b.node(), b.node() + "->" + a.node());
        }

        Impairment aToB() {
            return symmetric.value().merge(aToBOnly.value());
        }

        Impairment bToA() {
            return symmetric.value().merge(bToAOnly.value());
        }

        List<EndpointIn> ends() {
            return List.of(a, b);
        }
    }

    private LinksSection() {
    }

    /** The listed links, then the generated ones (which point at their generator). */
    static List<LinkIn> read(SourceValue at, List<GenerateSection.GeneratedIn> generated, CrossChecks refs) {
        List<LinkIn> links = new ArrayList<>(listed(at, refs));
        for (GenerateSection.GeneratedIn g : generated) {
            for (Generators.LinkEnds e : g.result().edges()) {
                links.add(new LinkIn(g.at(), null, null, new EndpointIn(e.a(), g.at()),
                        new EndpointIn(e.b(), g.at()), g.impairment(), ImpairmentIn.NONE, ImpairmentIn.NONE, false, null));
            }
        }
        return links;
    }

    private static List<LinkIn> listed(SourceValue at, CrossChecks refs) {
        if (at == null) {
            return List.of();
        }
        List<LinkIn> out = new ArrayList<>();
        for (SourceValue el : at.elements("links ({\"between\": [\"a\", \"b\"]} objects)")) {
            el.object("a link", KEYS);
            String name = null;
            if (el.get("name") != null) {
                name = NameRules.link(el.get("name"), "link");
            }
            SourceValue between = el.get("between");
            SourceValue endpoints = el.get("endpoints");
            if (between != null && endpoints != null) {
                throw endpoints.keyError("a link has \"between\" or \"endpoints\", not both; keep one");
            }
            if (between == null && endpoints == null) {
                throw el.error("missing \"between\" or \"endpoints\"; add \"between\": [\"a\", \"b\"]");
            }
            SourceValue ends = between != null ? between : endpoints;
            List<SourceValue> items = ends.elements(between != null ? "two node names" : "two endpoints");
            if (items.size() != 2) {
                throw ends.error("a link has exactly 2 ends, found " + items.size() + "; to join more nodes use a LAN in \"lans\"");
            }
            EndpointIn a = between != null ? EndpointIn.of(items.get(0), refs) : EndpointIn.read(items.get(0), refs);
            EndpointIn b = between != null ? EndpointIn.of(items.get(1), refs) : EndpointIn.read(items.get(1), refs);
            if (a.node().equals(b.node())) {
                throw b.at().error("link from \"" + a.node() + "\" to itself; a link joins two different nodes");
            }
            ImpairmentIn symmetric = ImpairmentIn.read(el);
            ImpairmentIn aToB = ImpairmentIn.NONE;
            ImpairmentIn bToA = ImpairmentIn.NONE;
            SourceValue perDirection = el.get("impairment");
            if (perDirection != null) {
                String ab = a.node() + "->" + b.node();
                String ba = b.node() + "->" + a.node();
                perDirection.object("per-direction impairments", List.of(ab, ba));
                if (perDirection.get(ab) != null) {
                    aToB = ImpairmentIn.read(perDirection.get(ab).object("an impairment", ImpairmentIn.KEYS));
                }
                if (perDirection.get(ba) != null) {
                    bToA = ImpairmentIn.read(perDirection.get(ba).object("an impairment", ImpairmentIn.KEYS));
                }
            }
            ImpairmentIn.checkNeedsDelay(symmetric.value().merge(aToB.value()), symmetric, aToB);
            ImpairmentIn.checkNeedsDelay(symmetric.value().merge(bToA.value()), symmetric, bToA);
            SourceValue state = el.get("state");
            out.add(new LinkIn(el, name, el.get("name"), a, b, symmetric, aToB, bToA, state != null && state(state).equals("down"), state));
        }
        return out;
    }

    /** "up" or "down": a link's state at the start, or after a timeline event. */
    static String state(SourceValue at) {
        String s = at.text("\"up\" or \"down\"");
        if (!STATES.contains(s)) {
            throw at.error("unknown state \"" + s + "\"; state is " + String.join(" or ", STATES));
        }
        return s;
    }
}
