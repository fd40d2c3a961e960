package dev.netloom.convert;

import dev.netloom.mobility.GeoOrigin;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A CORE XML topology (the NMF "scenario" format of CORE 4.x, as MiniWorld's files are) read into
 * plain data: hosts with their interfaces' addresses and positions, and networks with their members.
 * The parser reads no DTDs and no external entities.
 */
public final class CoreXml {

    /** An interface: its name, and IPv4/IPv6 CIDRs and MAC (each null when absent). */
    public record Iface(String name, String ipv4, String ipv6, String mac) {
    }

    /**
     * A host, with its position in metres from the scenario's origin (null without a point) and, for a
     * GPS point, its latitude and longitude (else null).
     */
    public record Host(String name, List<Iface> interfaces, double[] xy, double[] latLon) {
    }

    /** A network (CORE's link or switch): its members as "host/iface". */
    public record Network(String id, String type, List<String> members) {
    }

    public record Topology(String name, List<Host> hosts, List<Network> networks, List<String> notes) {
        public Host host(String name) {
            return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
        }
    }

    private CoreXml() {
    }

    public static Topology read(Path file) {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = builder().parse(in);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        } catch (SAXException e) {
            throw new BadInputException(file + " is not well-formed XML: " + e.getMessage() + "; give a CORE XML topology file");
        }
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("scenario")) {
            throw new BadInputException(file + " has a <" + root.getTagName() + "> root; a CORE XML topology has <scenario>");
        }
        List<String> notes = new ArrayList<>();
        double[] origin = origin(root);
        List<Host> hosts = new ArrayList<>();
        for (Element h : children(root, "host")) {
            List<Iface> ifs = new ArrayList<>();
            for (Element i : children(h, "interface")) {
                Map<String, String> addr = new LinkedHashMap<>();
                for (Element a : children(i, "address")) {
                    addr.put(a.getAttribute("type"), a.getTextContent().strip());
                }
                ifs.add(new Iface(i.getAttribute("name"), addr.get("IPv4"), addr.get("IPv6"), addr.get("mac")));
            }
            List<Element> points = children(h, "point");
            hosts.add(new Host(h.getAttribute("name"), ifs, point(points, origin), latLon(points)));
        }
        List<Network> networks = new ArrayList<>();
        for (Element n : children(root, "network")) {
            List<String> members = new ArrayList<>();
            for (Element m : children(n, "member")) {
                if (m.getAttribute("type").equals("interface")) {
                    members.add(m.getTextContent().strip());
                }
            }
            List<Element> type = children(n, "type");
            networks.add(new Network(n.getAttribute("id"), type.isEmpty() ? "" : type.get(0).getTextContent().strip(), members));
        }
        if (!children(root, "router").isEmpty() || !children(root, "device").isEmpty()) {
            notes.add("routers and devices other than hosts are not converted");
        }
        return new Topology(root.getAttribute("name"), hosts, networks, notes);
    }

    /** The session origin (lat, lon), or null. */
    private static double[] origin(Element root) {
        NodeList list = root.getElementsByTagName("origin");
        if (list.getLength() == 0) {
            return null;
        }
        Element o = (Element) list.item(0);
        if (o.getAttribute("lat").isEmpty() || o.getAttribute("lon").isEmpty()) {
            return null;
        }
        try {
            return new double[] {Double.parseDouble(o.getAttribute("lat")), Double.parseDouble(o.getAttribute("lon"))};
        } catch (NumberFormatException e) {
            throw new BadInputException("the session <origin> has a coordinate that is not a number: " + e.getMessage());
        }
    }

    /** A GPS point's latitude and longitude, or null. */
    static double[] latLon(List<Element> points) {
        if (points.isEmpty() || points.get(0).getAttribute("lat").isEmpty() || points.get(0).getAttribute("lon").isEmpty()) {
            return null;
        }
        try {
            double[] ll = {Double.parseDouble(points.get(0).getAttribute("lat")), Double.parseDouble(points.get(0).getAttribute("lon"))};
            new GeoOrigin(ll[0], ll[1]); // in range
            return ll;
        } catch (IllegalArgumentException e) {
            throw new BadInputException("a <point> has a latitude/longitude that is not one: " + e.getMessage());
        }
    }

    /**
     * A point in metres: x/y as given for a screen point, or a GPS point projected on the plane at the
     * origin ({@link GeoOrigin}; the point itself without an origin).
     */
    static double[] point(List<Element> points, double[] origin) {
        if (points.isEmpty()) {
            return null;
        }
        Element p = points.get(0);
        try {
            double[] ll = latLon(points);
            if (ll != null) {
                Position xy = (origin != null ? new GeoOrigin(origin[0], origin[1]) : new GeoOrigin(ll[0], ll[1])).project(ll[0], ll[1]);
                return new double[] {xy.x(), xy.y()};
            }
            if (!p.getAttribute("x").isEmpty() && !p.getAttribute("y").isEmpty()) {
                return new double[] {Double.parseDouble(p.getAttribute("x")), Double.parseDouble(p.getAttribute("y"))};
            }
        } catch (NumberFormatException e) {
            throw new BadInputException("a <point> has a coordinate that is not a number: " + e.getMessage());
        }
        return null;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (e.getLocalName() != null ? e.getLocalName() : e.getTagName()).equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() { // throws on fatal errors, prints nothing
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
