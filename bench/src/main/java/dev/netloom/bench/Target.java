package dev.netloom.bench;

/**
 * What a figure should reach. The kinds are the ways netloom's targets are phrased: a ratio to the
 * baseline, a median in the figure's unit, or at most a constant above the baseline.
 */
record Target(Kind kind, double limit) {

    enum Kind { RATIO_AT_MOST, RATIO_AT_LEAST, MEDIAN_AT_MOST, ABOVE_BASELINE_AT_MOST }

    static Target ratioAtMost(double limit) {
        return new Target(Kind.RATIO_AT_MOST, limit);
    }

    static Target ratioAtLeast(double limit) {
        return new Target(Kind.RATIO_AT_LEAST, limit);
    }

    static Target medianAtMost(double limit) {
        return new Target(Kind.MEDIAN_AT_MOST, limit);
    }

    static Target aboveBaselineAtMost(double limit) {
        return new Target(Kind.ABOVE_BASELINE_AT_MOST, limit);
    }

    boolean met(Figure f) {
        return switch (kind) {
            case RATIO_AT_MOST -> f.ratio() <= limit;
            case RATIO_AT_LEAST -> f.ratio() >= limit;
            case MEDIAN_AT_MOST -> f.measured().median() <= limit;
            case ABOVE_BASELINE_AT_MOST -> f.measured().median() - f.baseline().median() <= limit;
        };
    }

    String describe(Figure f) {
        String n = Report.limit(limit);
        return switch (kind) {
            case RATIO_AT_MOST -> "ratio <= " + n;
            case RATIO_AT_LEAST -> "ratio >= " + n;
            case MEDIAN_AT_MOST -> (f.measured().n() > 1 ? "median <= " : "<= ") + n + " " + f.unit();
            case ABOVE_BASELINE_AT_MOST -> "<= baseline + " + n + " " + f.unit();
        };
    }
}
