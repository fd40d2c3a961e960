package dev.netloom.mobility;

/**
 * Where latitude/longitude positions are projected onto netloom's plane of metres: an equirectangular
 * projection around this origin, x = (lon - lon0) * 111320 * cos(lat0) metres east and
 * y = (lat - lat0) * 110574 metres north. Over the few kilometres of a mobility experiment it is
 * within a fraction of a percent of the great-circle distance (docs/mobility.md).
 */
public record GeoOrigin(double lat, double lon) {

    /** Metres per degree of latitude, and of longitude at the equator. */
    static final double METRES_PER_DEGREE_LAT = 110_574;
    static final double METRES_PER_DEGREE_LON = 111_320;

    public GeoOrigin {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("not a latitude/longitude: " + lat + ", " + lon);
        }
    }

    /** The point {@code lat}/{@code lon} in metres east and north of this origin. */
    public Position project(double lat, double lon) {
        return new Position((lon - this.lon) * METRES_PER_DEGREE_LON * Math.cos(Math.toRadians(this.lat)),
                (lat - this.lat) * METRES_PER_DEGREE_LAT);
    }
}
