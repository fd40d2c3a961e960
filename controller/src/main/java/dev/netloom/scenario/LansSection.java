package dev.netloom.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads "lans": shared segments with a name, at least two distinct members and one impairment. */
final class LansSection {

    static final List<String> KEYS = ImpairmentIn.keysWith(List.of("name", "members"));

    /** A LAN as read. */
    record LanIn(SourceValue at, String name, SourceValue nameAt, List<EndpointIn> members, ImpairmentIn impairment) {
    }

    private LansSection() {
    }

    static List<LanIn> read(SourceValue at, CrossChecks refs) {
        if (at == null) {
            return List.of();
        }
        List<LanIn> out = new ArrayList<>();
        for (SourceValue el : at.elements("LANs ({\"name\": ..., \"members\": [...]} objects)")) {
            el.object("a LAN", KEYS);
            SourceValue nameAt = el.require("name", "add \"name\": \"lan1\" (" + NameRules.LINK_RULE + ")");
            String name = NameRules.link(nameAt, "LAN");
            List<EndpointIn> members = new ArrayList<>();
            Map<String, SourceValue> seen = new HashMap<>();
            SourceValue membersAt = el.require("members", "add \"members\": [\"a\", \"b\", ...]");
            for (SourceValue m : membersAt.elements("members (node names or {\"node\": ..., \"address\": ...} objects)")) {
                EndpointIn member = EndpointIn.read(m, refs);
                SourceValue first = seen.putIfAbsent(member.node(), m);
                if (first != null) {
                    throw m.error("node \"" + member.node() + "\" is already a member of this LAN (at " + first.pointer()
                            + "); list each node once");
                }
                members.add(member);
            }
            if (members.size() < 2) {
                throw membersAt.error("a LAN needs at least 2 members, found " + members.size() + "; add members");
            }
            ImpairmentIn impairment = ImpairmentIn.read(el);
            ImpairmentIn.checkNeedsDelay(impairment.value(), impairment);
            out.add(new LanIn(el, name, nameAt, members, impairment));
        }
        return out;
    }

    static Scenario.LanDef def(LanIn l) {
        return new Scenario.LanDef(l.name(), l.members().stream().map(EndpointIn::endpoint).toList(), l.impairment().value());
    }
}
