package dev.netloom.scenario;

import java.util.List;

/** One end of a link or a LAN membership as read, with where it and its addresses were written. */
record EndpointIn(String node, String address, String address6, SourceValue at, SourceValue addressAt, SourceValue address6At) {

    static final List<String> KEYS = List.of("node", "address", "address6");

    /** An end without explicit addresses. */
    EndpointIn(String node, SourceValue at) {
        this(node, null, null, at, null, null);
    }

    /** An end written as a bare node name. */
    static EndpointIn of(SourceValue at, CrossChecks refs) {
        return new EndpointIn(refs.nodeRef(at), at);
    }

    /** An endpoint: a node name, or {"node": "a", "address": "10.9.0.1/24", "address6": "fd00:1::1/64"}. */
    static EndpointIn read(SourceValue el, CrossChecks refs) {
        if (el.isString()) {
            return of(el, refs);
        }
        el.object("an endpoint (a node name or {\"node\": \"a\", \"address\": \"10.9.0.1/24\"})", KEYS);
        String node = refs.nodeRef(el.require("node", "add \"node\": the node's name"));
        SourceValue address = el.get("address");
        SourceValue address6 = el.get("address6");
        return new EndpointIn(node, address != null ? address.text("an address such as \"10.9.0.1/24\"") : null,
                address6 != null ? address6.text("an address such as \"fd00:1::1/64\"") : null, el, address, address6);
    }

    /** The address written for that family, or null. */
    String address(Cidr.Family family) {
        return family == Cidr.Family.IPV4 ? address : address6;
    }

    /** Where the address of that family was written, or null. */
    SourceValue addressAt(Cidr.Family family) {
        return family == Cidr.Family.IPV4 ? addressAt : address6At;
    }

    Scenario.Endpoint endpoint() {
        return new Scenario.Endpoint(node, address, address6);
    }
}
