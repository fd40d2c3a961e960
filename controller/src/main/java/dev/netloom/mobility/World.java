package dev.netloom.mobility;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a link model makes of a moment: the positions of the nodes and, in a topology step, the pairs
 * it connects. {@link #qualities} gives every planned pair link its state and impairment; {@link #diff}
 * what changes between two moments, which is all a running lab applies.
 */
public final class World {

    /** A planned link between two nodes. */
    public record Pair(String link, String a, String b) {
    }

    private World() {
    }

    /**
     * Each link's quality: with {@code connected} (a step's pairs, "a|b" with a before b as in the
     * link) the pair is up only when listed; otherwise the model decides from the distance. The
     * impairment comes from the model's distance whenever both ends have positions.
     */
    public static Map<String, LinkModel.Quality> qualities(LinkModel model, List<Pair> pairs, Map<String, Position> positions,
                                                           Set<String> connected) {
        Map<String, LinkModel.Quality> out = new LinkedHashMap<>();
        for (Pair p : pairs) {
            Position pa = positions.get(p.a());
            Position pb = positions.get(p.b());
            LinkModel.Quality byDistance = pa != null && pb != null ? model.quality(pa.distanceTo(pb))
                    : model instanceof LinkModel.Topology ? LinkModel.Quality.UP : LinkModel.Quality.DOWN;
            boolean up;
            if (connected != null) {
                up = connected.contains(key(p.a(), p.b())) || connected.contains(key(p.b(), p.a()));
            } else {
                up = byDistance.up();
            }
            out.put(p.link(), !up ? LinkModel.Quality.DOWN
                    : new LinkModel.Quality(true, byDistance.up() ? byDistance.impairment() : LinkModel.Quality.UP.impairment()));
        }
        return out;
    }

    /** "a|b": a pair as {@code connected} holds it. */
    public static String key(String a, String b) {
        return a + "|" + b;
    }

    /** The links whose quality differs from {@code before} to {@code after}, with their new quality. */
    public static Map<String, LinkModel.Quality> diff(Map<String, LinkModel.Quality> before, Map<String, LinkModel.Quality> after) {
        Map<String, LinkModel.Quality> out = new LinkedHashMap<>();
        after.forEach((link, q) -> {
            if (!q.equals(before.get(link))) {
                out.put(link, q);
            }
        });
        return out;
    }
}
