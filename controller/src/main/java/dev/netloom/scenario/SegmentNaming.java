package dev.netloom.scenario;

import dev.netloom.scenario.LansSection.LanIn;
import dev.netloom.scenario.LinksSection.LinkIn;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

/**
 * Names the links: explicit link and LAN names are reserved first (they must be unique together),
 * then unnamed links get "A-B", or "A-B-2", "A-B-3"... when taken.
 */
final class SegmentNaming {

    private SegmentNaming() {
    }

    /** Link names in link order. */
    static List<String> linkNames(List<LinkIn> links, List<LanIn> lans) {
        Map<String, SourceValue> origins = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (LinkIn l : links) {
            if (l.explicitName() != null) {
                reserve(origins, l.explicitName(), l.nameAt(), l.at());
                taken.add(l.explicitName());
            }
        }
        for (LanIn l : lans) {
            reserve(origins, l.name(), l.nameAt(), l.at());
            taken.add(l.name());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn l = links.get(i);
            String name = l.explicitName();
            if (name == null) {
                name = defaultName(l.a().node() + "-" + l.b().node(), "link" + (i + 1), taken);
                taken.add(name);
            }
            names.add(name);
        }
        return names;
    }

    private static void reserve(Map<String, SourceValue> origins, String name, SourceValue nameAt, SourceValue at) {
        SourceValue first = origins.putIfAbsent(name, at);
        if (first != null) {
            throw nameAt.error("name \"" + name + "\" is already used by " + first.pointer() + "; link and LAN names must be unique");
        }
    }

    /** "a-b", else "a-b-2", "a-b-3"...; when those would be too long for a link name, "linkN", "linkN-2"... */
    static String defaultName(String base, String fallback, Set<String> taken) {
        for (String stem : List.of(base, fallback)) {
            for (int k = 1; ; k++) {
                String name = k == 1 ? stem : stem + "-" + k;
                if (!Names.LINK.matcher(name).matches()) {
                    break;
                }
                if (!taken.contains(name)) {
                    return name;
                }
            }
        }
        throw new IllegalStateException("no free name for link " + base);
    }
}
