package dev.netloom.scenario;

import java.util.List;

/** One end of a link or a LAN membership as read, with where it and its address were written. */
record EndpointIn(String node, String address, SourceValue at, SourceValue addressAt) {

    static final List<String> KEYS = List.of("node", "address");

    /** An end written as a bare node name. */
    static EndpointIn of(SourceValue at, CrossChecks refs) {
        return new EndpointIn(refs.nodeRef(at), null, at, null);
    }

    /** An endpoint: a node name, or {"node": "a", "address": "10.9.0.1/24"}. */
    static EndpointIn read(SourceValue el, CrossChecks refs) {
        if (el.isString()) {
            return of(el, refs);
        }
        el.object("an endpoint (a node name or {\"node\": \"a\", \"address\": \"10.9.0.1/24\"})", KEYS);
        String node = refs.nodeRef(el.require("node", "add \"node\": the node's name"));
        SourceValue address = el.get("address");
        return new EndpointIn(node, address != null ? address.text("an address such as \"10.9.0.1/24\"") : null, el, address);
    }

    Scenario.Endpoint endpoint() {
        return new Scenario.Endpoint(node, address);
    }
}
