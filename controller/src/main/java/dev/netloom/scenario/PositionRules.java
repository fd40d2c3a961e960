package dev.netloom.scenario;

import dev.netloom.mobility.GeoOrigin;
import dev.netloom.mobility.Position;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Positions in a scenario: {"x": 10, "y": 20} in metres, or {"lat": 47.57, "lon": -122.12} in degrees,
 * projected onto metres around the scenario's "origin" or, without one, the first latitude/longitude
 * the file gives (its first node's, usually): {@link GeoOrigin}.
 */
final class PositionRules {

    static final double MAX_COORDINATE = 1e7;
    static final List<String> KEYS = List.of("x", "y", "lat", "lon");
    static final String EXAMPLE = "{\"x\": 10, \"y\": 20} in metres or {\"lat\": 47.57, \"lon\": -122.12}";

    private PositionRules() {
    }

    /**
     * The scenario's "origin", else the first latitude/longitude in the nodes' positions, the steps'
     * positions and the timeline's moves and walks, in that order; null when the file has none.
     */
    static GeoOrigin origin(SourceValue root) {
        SourceValue at = root.get("origin");
        if (at != null) {
            at.object("an origin ({\"lat\": 47.57, \"lon\": -122.12})", List.of("lat", "lon"));
            return latLon(at);
        }
        SourceValue nodes = root.get("nodes");
        if (nodes != null && nodes.isArray()) {
            for (SourceValue n : nodes.elements("nodes")) {
                GeoOrigin o = n.isObject() ? firstLatLon(n.get("position")) : null;
                if (o != null) {
                    return o;
                }
            }
        }
        for (String[] path : List.of(new String[] {"steps", "positions"}, new String[] {"timeline", "move"}, new String[] {"timeline", "walk"})) {
            SourceValue list = root.get(path[0]);
            if (list == null || !list.isArray()) {
                continue;
            }
            for (SourceValue el : list.elements(path[0])) {
                SourceValue map = el.isObject() ? el.get(path[1]) : null;
                if (map != null && path[1].equals("walk")) {
                    map = map.isObject() ? map.get("from") : null;
                }
                if (map != null && map.isObject()) {
                    for (SourceValue p : map.members()) {
                        GeoOrigin o = firstLatLon(p);
                        if (o != null) {
                            return o;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static GeoOrigin firstLatLon(SourceValue p) {
        return p != null && p.isObject() && p.get("lat") != null && p.get("lon") != null ? latLon(p) : null;
    }

    private static GeoOrigin latLon(SourceValue at) {
        double lat = at.require("lat", "add \"lat\": degrees north (-90 to 90)").number("a latitude", -90, 90);
        double lon = at.require("lon", "add \"lon\": degrees east (-180 to 180)").number("a longitude", -180, 180);
        return new GeoOrigin(lat, lon);
    }

    /** One position, in metres; latitude/longitude projected around {@code origin}. */
    static Position position(SourceValue at, GeoOrigin origin) {
        at.object("a position (" + EXAMPLE + ")", KEYS);
        boolean geo = at.get("lat") != null || at.get("lon") != null;
        if (geo) {
            if (at.get("x") != null || at.get("y") != null) {
                throw at.error("a position is {\"x\", \"y\"} in metres or {\"lat\", \"lon\"} in degrees, not both; remove one pair");
            }
            GeoOrigin p = latLon(at);
            if (origin == null) {
                throw at.error("a latitude/longitude position needs an origin to measure from; add \"origin\": {\"lat\": .., \"lon\": ..} to the scenario");
            }
            Position xy = origin.project(p.lat(), p.lon());
            if (Math.abs(xy.x()) > MAX_COORDINATE || Math.abs(xy.y()) > MAX_COORDINATE) {
                throw at.error("this position is " + Math.round(Math.hypot(xy.x(), xy.y()) / 1000) + " km from the origin; positions are within "
                        + (long) (MAX_COORDINATE / 1000) + " km of it");
            }
            return xy;
        }
        double x = at.require("x", "add \"x\": metres east (or give \"lat\" and \"lon\")").number("metres", -MAX_COORDINATE, MAX_COORDINATE);
        double y = at.require("y", "add \"y\": metres north").number("metres", -MAX_COORDINATE, MAX_COORDINATE);
        return new Position(x, y);
    }

    /** The "position" of every listed node object that has one. */
    static Map<String, Position> ofNodes(SourceValue nodes, GeoOrigin origin) {
        Map<String, Position> out = new LinkedHashMap<>();
        if (nodes == null) {
            return out;
        }
        for (SourceValue el : nodes.elements("nodes")) {
            if (el.isObject() && el.get("position") != null) {
                out.put(el.get("name").text("a node name"), position(el.get("position"), origin));
            }
        }
        return out;
    }

    /** {"a": {"x": 1, "y": 2}, ...}: positions of known nodes. */
    static Map<String, Position> byNode(SourceValue at, CrossChecks refs) {
        if (!at.isObject()) {
            throw at.error("expected positions by node, {\"a\": " + EXAMPLE.replace(" or ", "} or {\"a\": ") + "}, found " + at.kind());
        }
        Map<String, Position> out = new LinkedHashMap<>();
        for (SourceValue m : at.members()) {
            if (!refs.hasNode(m.key())) {
                throw m.keyError("unknown node \"" + m.key() + "\"; give positions of the scenario's nodes");
            }
            out.put(m.key(), position(m, refs.origin));
        }
        return out;
    }
}
