package dev.netloom.mobility;

/** Where a node is, in metres on a plane (x east, y north). */
public record Position(double x, double y) {

    /** The straight-line distance in metres. */
    public double distanceTo(Position other) {
        return Math.hypot(x - other.x, y - other.y);
    }
}
